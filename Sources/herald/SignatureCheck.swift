import Foundation
import WebhookSignature

/// Checks one received delivery's Standard Webhooks signature, for `herald listen` and `herald verify`.
///
/// Reads `webhook-id`, `webhook-timestamp` and `webhook-signature` (or their `svix-` forms) in any case.
struct SignatureCheck: Sendable {
    /// The environment variable both commands read a secret from when no `--secret` is given.
    static let secretVariable = "HERALD_LISTEN_SECRET"

    let secrets: [WebhookSecret]
    let verifier: WebhookVerifier
    /// Accepts a timestamp however old, for a delivery saved long ago (the signature still covers it).
    let ignoresTimestamp: Bool

    /// Parses `secretTexts` (`whsec_…`, `whpk_…` or `whsk_…`), falling back to ``secretVariable`` in `environment`.
    /// Errors never repeat the secret.
    init(
        secretTexts: [String],
        environment: [String: String],
        tolerance: Duration = .seconds(300),
        ignoresTimestamp: Bool = false
    ) throws {
        var texts = secretTexts
        if texts.isEmpty, let value = environment[Self.secretVariable], !value.isEmpty { texts = [value] }
        secrets = try texts.map { text in
            do {
                return try WebhookSecret(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                throw CommandFailure("--secret: \(String(describing: error))")
            }
        }
        verifier = WebhookVerifier(secrets: secrets, tolerance: tolerance)
        self.ignoresTimestamp = ignoresTimestamp
    }

    /// True when there is at least one secret to verify with.
    var canVerify: Bool { !secrets.isEmpty }

    /// Verifies the delivery; `headers` are keyed by name in any case.
    func verify(headers: [String: String], payload: [UInt8], now: Date = Date()) throws(WebhookVerificationError) {
        var now = now
        if ignoresTimestamp, let seconds = Self.timestamp(in: headers) {
            now = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        try verifier.verify(headers: headers, payload: payload, now: now)
    }

    /// A one-line reason for `error`, with a hint where one helps.
    func reason(_ error: WebhookVerificationError) -> String {
        switch error {
        case .timestampOutOfTolerance:
            error.description + " (for a delivery saved earlier, pass --ignore-timestamp)"
        case .noMatchingSignature where secrets.count == 1:
            error.description + " (wrong secret, or the payload is not byte-for-byte what was sent)"
        default:
            error.description
        }
    }

    /// The integer `webhook-timestamp` (or `svix-timestamp`), if present.
    static func timestamp(in headers: [String: String]) -> Int64? {
        header("timestamp", in: headers).flatMap { Int64($0) }
    }

    /// The value of `webhook-<name>`, else `svix-<name>`, matching names in any case.
    static func header(_ name: String, in headers: [String: String]) -> String? {
        for full in ["webhook-\(name)", "svix-\(name)"] {
            if let value = headers[full] ?? headers.first(where: { $0.key.lowercased() == full })?.value {
                return value
            }
        }
        return nil
    }
}
