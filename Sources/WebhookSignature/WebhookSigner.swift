import Crypto

/// Signs webhooks per Standard Webhooks v1.0.0: the signed content is `{message id}.{timestamp}.{payload}`.
///
/// ```swift
/// let header = WebhookSigner.signatureHeader(
///     secrets: [current, previous], messageID: "msg_p5jX…", timestamp: 1_614_265_330, payload: body)
/// // "v1,g0hM9SsE… v1,K5oZ…" — receivers accept the message if any entry verifies
/// ```
public enum WebhookSigner {
    /// The signature entry for one secret: `v1,<base64 HMAC-SHA256>` for an HMAC secret,
    /// `v1a,<base64 Ed25519 signature>` for an Ed25519 signing key, nil for a public key, which cannot sign.
    public static func signature(
        secret: WebhookSecret,
        messageID: String,
        timestamp: Int64,
        payload: some Collection<UInt8>
    ) -> String? {
        signature(secret: secret, content: signedContent(messageID: messageID, timestamp: timestamp, payload: payload))
    }

    /// The `webhook-signature` header value: the space-separated signatures of every secret that can sign,
    /// in the given order. Empty when none can.
    public static func signatureHeader(
        secrets: [WebhookSecret],
        messageID: String,
        timestamp: Int64,
        payload: some Collection<UInt8>
    ) -> String {
        let content = signedContent(messageID: messageID, timestamp: timestamp, payload: payload)
        return secrets.compactMap { signature(secret: $0, content: content) }.joined(separator: " ")
    }

    /// The bytes that are signed: `{messageID}.{timestamp}.{payload}`, with the timestamp in decimal.
    static func signedContent(messageID: String, timestamp: Int64, payload: some Collection<UInt8>) -> [UInt8] {
        var content: [UInt8] = []
        content.reserveCapacity(messageID.utf8.count + 22 + payload.count)
        content.append(contentsOf: messageID.utf8)
        content.append(UInt8(ascii: "."))
        content.append(contentsOf: String(timestamp).utf8)
        content.append(UInt8(ascii: "."))
        // In one copy when contiguous: from another module this runs unspecialized, and a generic append then goes
        // byte by byte through the protocol's witnesses.
        if payload.withContiguousStorageIfAvailable({ content.append(contentsOf: $0) }) == nil {
            content.append(contentsOf: payload)
        }
        return content
    }

    private static func signature(secret: WebhookSecret, content: [UInt8]) -> String? {
        if let keyed = secret.keyedHMAC {
            return "v1," + keyed.code(for: content).withUnsafeBytes { Base64.encode($0) }
        }
        if let key = secret.signingKey, let signature = try? key.signature(for: content) {
            return "v1a," + Base64.encode(Array(signature))
        }
        return nil
    }
}
