import Crypto
import Foundation

/// Checks incoming webhooks per Standard Webhooks v1.0.0: a fresh timestamp and at least one valid signature.
///
/// ```swift
/// let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: "whsec_…")])
/// try verifier.verify(headers: ["webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature],
///                     payload: body)
/// ```
///
/// During a secret rotation, give the verifier both the old and the new secret, or have the sender sign with both.
public struct WebhookVerifier: Sendable {
    private let hmacSecrets: [WebhookSecret]
    private let ed25519Secrets: [WebhookSecret]
    private let toleranceSeconds: Double

    /// A verifier that accepts signatures by any of `secrets`: HMAC secrets check `v1` entries, Ed25519 public
    /// or signing keys check `v1a` entries. Timestamps may be up to `tolerance` in the past or the future.
    public init(secrets: [WebhookSecret], tolerance: Duration = .seconds(300)) {
        precondition(tolerance >= .zero, "The timestamp tolerance must not be negative")
        hmacSecrets = secrets.filter { $0.kind == .hmacSHA256 }
        ed25519Secrets = secrets.filter { $0.kind != .hmacSHA256 }
        let (seconds, attoseconds) = tolerance.components
        toleranceSeconds = Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Verifies one webhook from its header values.
    ///
    /// Passes when `timestamp` is an integer number of seconds within the tolerance of `now` and at least one
    /// space-separated `version,base64` entry of `signatureHeader` verifies against at least one secret.
    /// Entries with an unknown version, and malformed entries, are ignored.
    public func verify(
        messageID: String,
        timestamp: String,
        signatureHeader: String,
        payload: some Collection<UInt8>,
        now: Date = Date()
    ) throws(WebhookVerificationError) {
        guard !messageID.isEmpty, !timestamp.isEmpty, signatureHeader.contains(where: { $0 != " " }) else {
            throw .missingHeader
        }
        guard let seconds = Self.parseTimestamp(timestamp) else { throw .invalidTimestamp }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= toleranceSeconds else {
            throw .timestampOutOfTolerance
        }

        let content = WebhookSigner.signedContent(messageID: messageID, timestamp: seconds, payload: payload)
        let expectedCodes = hmacSecrets.compactMap(\.hmacKey).map {
            Array(HMAC<SHA256>.authenticationCode(for: content, using: $0))
        }
        let publicKeys = ed25519Secrets.compactMap(\.verifyingKey)
        for entry in signatureHeader.split(separator: " ") {
            guard let comma = entry.firstIndex(of: ","),
                let signature = Base64.decode(entry[entry.index(after: comma)...])
            else { continue }
            switch entry[..<comma] {
            case "v1":
                if expectedCodes.contains(where: { ConstantTime.equals($0, signature) }) { return }
            case "v1a":
                if publicKeys.contains(where: { $0.isValidSignature(signature, for: content) }) { return }
            default:
                continue
            }
        }
        throw .noMatchingSignature
    }

    /// Verifies one webhook from its HTTP headers: `webhook-id`, `webhook-timestamp` and `webhook-signature`,
    /// each falling back to its `svix-` counterpart when absent. Header names match in any case.
    public func verify(
        headers: [String: String],
        payload: some Collection<UInt8>,
        now: Date = Date()
    ) throws(WebhookVerificationError) {
        func value(_ name: String) -> String {
            Self.header("webhook-\(name)", in: headers) ?? Self.header("svix-\(name)", in: headers) ?? ""
        }
        try verify(
            messageID: value("id"),
            timestamp: value("timestamp"),
            signatureHeader: value("signature"),
            payload: payload,
            now: now
        )
    }

    /// Seconds since 1970 from ASCII digits only: no sign, no spaces, no fraction.
    private static func parseTimestamp(_ text: String) -> Int64? {
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int64(text)
    }

    private static func header(_ name: String, in headers: [String: String]) -> String? {
        if let value = headers[name] { return value }
        return headers.first { $0.key.lowercased() == name }?.value
    }
}
