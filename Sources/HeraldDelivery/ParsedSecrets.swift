import Synchronization
import WebhookSignature

/// Endpoint secrets parsed once from their text (`whsec_…`, `whsk_…`): decoding a secret for every attempt was 2-3%
/// of a delivery's CPU. At most `capacity` secrets are kept; when full, the cache starts over.
final class ParsedSecrets: Sendable {
    private let secrets = Mutex<[String: WebhookSecret]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The secret `text` stands for, or nil when it is not a valid secret.
    func secret(_ text: String) -> WebhookSecret? {
        if let secret = secrets.withLock({ $0[text] }) { return secret }
        guard let secret = try? WebhookSecret(parsing: text) else { return nil }
        secrets.withLock { secrets in
            if secrets.count >= capacity { secrets.removeAll() }
            secrets[text] = secret
        }
        return secret
    }
}
