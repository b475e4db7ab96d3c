/// Why a text could not be read as a ``WebhookSecret``.
///
/// Each ``description`` is a sentence fit for an API error message; none repeats the rejected text.
public struct WebhookSecretError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case invalidPrefix
        case invalidBase64
        case invalidLength
        case mismatchedPublicKey
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    /// The text starts with a prefix other than `whsec_`, `whsk_` or `whpk_`.
    public static let invalidPrefix = WebhookSecretError(.invalidPrefix)
    /// The key material is not base64.
    public static let invalidBase64 = WebhookSecretError(.invalidBase64)
    /// The key material decodes to a length its kind does not allow.
    public static let invalidLength = WebhookSecretError(.invalidLength)
    /// A 64-byte `whsk_` key whose second half is not the public key of its first half.
    public static let mismatchedPublicKey = WebhookSecretError(.mismatchedPublicKey)

    public var description: String {
        switch reason {
        case .invalidPrefix:
            "The secret must start with whsec_ (HMAC), whsk_ (Ed25519 signing key) or whpk_ (Ed25519 public key)."
        case .invalidBase64:
            "The secret's key material is not valid base64."
        case .invalidLength:
            "The secret has the wrong length: an HMAC secret must decode to 24 to 64 bytes, "
                + "an Ed25519 key to 32 bytes (or 64 bytes for a signing key followed by its public key)."
        case .mismatchedPublicKey:
            "The Ed25519 signing key's public half does not match its private half."
        }
    }
}
