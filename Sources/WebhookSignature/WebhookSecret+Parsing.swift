import Crypto

extension WebhookSecret {
    static let hmacPrefix = "whsec_"
    static let signingKeyPrefix = "whsk_"
    static let publicKeyPrefix = "whpk_"

    /// Reads a secret from text, as users paste it and as ``encoded`` writes it.
    ///
    /// - `whsec_<base64>`: an HMAC-SHA256 secret of 24 to 64 bytes. Bare base64 without a prefix is read the same way.
    /// - `whsk_<base64>`: an Ed25519 signing key, as its 32-byte seed or as 64 bytes of seed then public key.
    /// - `whpk_<base64>`: a 32-byte Ed25519 public key.
    ///
    /// Base64 may be padded or not, in the standard or the URL-safe alphabet. Text that starts with two or more
    /// lowercase letters and an underscore is taken as a prefix, so an unknown one (`whsecret_…`) is rejected
    /// rather than misread as bare base64.
    public init(parsing text: String) throws(WebhookSecretError) {
        if let body = Self.body(of: text, after: Self.hmacPrefix) {
            self.init(hmacKey: try Self.hmacKeyBytes(body))
        } else if let body = Self.body(of: text, after: Self.signingKeyPrefix) {
            self.init(signingKey: try Self.signingKey(body))
        } else if let body = Self.body(of: text, after: Self.publicKeyPrefix) {
            self.init(publicKey: try Self.publicKey(body))
        } else if Self.startsWithPrefix(text) {
            throw .invalidPrefix
        } else {
            self.init(hmacKey: try Self.hmacKeyBytes(Substring(text)))
        }
    }

    private static func body(of text: String, after prefix: String) -> Substring? {
        text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : nil
    }

    /// True for text shaped like `letters_…`, such as a misspelt or unknown prefix.
    private static func startsWithPrefix(_ text: String) -> Bool {
        let letters = text.utf8.prefix(while: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
        return letters.count >= 2 && text.utf8.dropFirst(letters.count).first == UInt8(ascii: "_")
    }

    private static func decode(_ body: Substring) throws(WebhookSecretError) -> [UInt8] {
        guard let bytes = Base64.decode(body) else { throw .invalidBase64 }
        return bytes
    }

    private static func hmacKeyBytes(_ body: Substring) throws(WebhookSecretError) -> [UInt8] {
        let bytes = try decode(body)
        guard hmacByteCounts.contains(bytes.count) else { throw .invalidLength }
        return bytes
    }

    private static func signingKey(_ body: Substring) throws(WebhookSecretError) -> Curve25519.Signing.PrivateKey {
        let bytes = try decode(body)
        guard bytes.count == ed25519KeyByteCount || bytes.count == 2 * ed25519KeyByteCount,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: Array(bytes.prefix(ed25519KeyByteCount)))
        else { throw .invalidLength }
        let publicHalf = bytes.dropFirst(ed25519KeyByteCount)
        if !publicHalf.isEmpty, !ConstantTime.equals(Array(publicHalf), Array(key.publicKey.rawRepresentation)) {
            throw .mismatchedPublicKey
        }
        return key
    }

    private static func publicKey(_ body: Substring) throws(WebhookSecretError) -> Curve25519.Signing.PublicKey {
        let bytes = try decode(body)
        guard bytes.count == ed25519KeyByteCount,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else { throw .invalidLength }
        return key
    }
}
