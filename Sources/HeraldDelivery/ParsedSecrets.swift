import WebhookSignature

/// Endpoint secrets parsed once from their text (`whsec_…`, `whsk_…`): decoding a secret for every attempt was 2-3%
/// of a delivery's CPU.
struct ParsedSecrets: Sendable {
    private let secrets: ParsedOnce<WebhookSecret>

    init(capacity: Int = 10_000) {
        secrets = ParsedOnce(capacity: capacity) { try? WebhookSecret(parsing: $0) }
    }

    /// The secret `text` stands for, or nil when it is not a valid secret.
    func secret(_ text: String) -> WebhookSecret? {
        secrets.value(for: text)
    }
}
