import Crypto

/// A key that signs or verifies webhooks the Standard Webhooks way: an HMAC-SHA256 secret (`whsec_`),
/// an Ed25519 signing key (`whsk_`) or an Ed25519 public key (`whpk_`).
///
/// ```swift
/// let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
/// print(secret)  // WebhookSecret(hmacSHA256) — never the key itself
/// ```
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// Which algorithm a secret is for, and whether it can sign.
    public enum Kind: Sendable, Hashable {
        /// A shared HMAC-SHA256 secret: signs (`v1`) and verifies.
        case hmacSHA256
        /// An Ed25519 private key: signs (`v1a`) and, through its public key, verifies.
        case ed25519Signing
        /// An Ed25519 public key: verifies only.
        case ed25519Public
    }

    static let hmacByteCounts = 24...64
    static let ed25519KeyByteCount = 32

    /// Which algorithm this secret is for.
    public let kind: Kind
    /// The HMAC key, the Ed25519 seed, or the Ed25519 public key: what ``encoded`` writes and equality compares.
    /// Raw bytes rather than swift-crypto keys, whose types are not `Sendable` in every supported version.
    private let keyBytes: [UInt8]
    /// The public key of a signing key, derived once.
    private let derivedPublicKeyBytes: [UInt8]?
    /// For an HMAC secret, the HMAC already keyed with it. Keying costs two hash blocks, three arrays and two hash
    /// contexts; a signature starts from a copy of this one instead (the copy shares the contexts until it writes).
    let keyedHMAC: KeyedHMAC?

    /// An HMAC secret; `bytes.count` must be in ``hmacByteCounts``.
    init(hmacKey bytes: [UInt8]) {
        kind = .hmacSHA256
        keyBytes = bytes
        derivedPublicKeyBytes = nil
        keyedHMAC = KeyedHMAC(mac: HMAC<SHA256>(key: SymmetricKey(data: bytes)))
    }

    init(signingKey key: Curve25519.Signing.PrivateKey) {
        kind = .ed25519Signing
        keyBytes = Array(key.rawRepresentation)
        derivedPublicKeyBytes = Array(key.publicKey.rawRepresentation)
        keyedHMAC = nil
    }

    init(publicKey key: Curve25519.Signing.PublicKey) {
        kind = .ed25519Public
        keyBytes = Array(key.rawRepresentation)
        derivedPublicKeyBytes = nil
        keyedHMAC = nil
    }

    /// A random HMAC-SHA256 secret of `byteCount` bytes, which must be in 24...64.
    public static func generateHMAC(byteCount: Int = 24) -> WebhookSecret {
        precondition(hmacByteCounts.contains(byteCount), "HMAC secrets must be 24 to 64 bytes long")
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: byteCount * 8))
        return WebhookSecret(hmacKey: key.withUnsafeBytes { Array($0) })
    }

    /// A random Ed25519 signing key.
    public static func generateEd25519() -> WebhookSecret {
        WebhookSecret(signingKey: Curve25519.Signing.PrivateKey())
    }

    /// For a signing key, its public key (`whpk_`); for a public key, itself; nil for an HMAC secret.
    public var publicKey: WebhookSecret? {
        switch kind {
        case .hmacSHA256: nil
        case .ed25519Signing: verifyingKey.map(WebhookSecret.init(publicKey:))
        case .ed25519Public: self
        }
    }

    /// Canonical text: `whsec_` + padded base64 for HMAC, `whsk_` + base64 of the 32-byte seed,
    /// `whpk_` + base64 of the public key. ``init(parsing:)`` reads it back to an equal secret.
    public var encoded: String {
        let prefix =
            switch kind {
            case .hmacSHA256: Self.hmacPrefix
            case .ed25519Signing: Self.signingKeyPrefix
            case .ed25519Public: Self.publicKeyPrefix
            }
        return prefix + Base64.encode(keyBytes)
    }

    /// Names the kind only, e.g. `WebhookSecret(hmacSHA256)`, so that logging a secret does not leak it.
    public var description: String {
        "WebhookSecret(\(kind))"
    }

    /// Shows the kind only, so that `dump` and debuggers do not print the key either.
    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind])
    }

    public static func == (lhs: WebhookSecret, rhs: WebhookSecret) -> Bool {
        lhs.kind == rhs.kind && ConstantTime.equals(lhs.keyBytes, rhs.keyBytes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(keyBytes)
    }

    /// An HMAC keyed with a secret, never written to: every use works on a copy.
    struct KeyedHMAC: @unchecked Sendable {
        // Not `Sendable` in every supported swift-crypto version. It is a value whose hash contexts are copied
        // before a write when shared, and this one is only ever copied.
        let mac: HMAC<SHA256>

        /// The HMAC-SHA256 of `content` under the secret.
        func code(for content: [UInt8]) -> HMAC<SHA256>.MAC {
            var mac = self.mac
            content.withUnsafeBytes { mac.update(data: $0) }
            return mac.finalize()
        }
    }

    /// The HMAC key, for an HMAC secret.
    var hmacKey: SymmetricKey? {
        kind == .hmacSHA256 ? SymmetricKey(data: keyBytes) : nil
    }

    /// The Ed25519 private key, for a signing key.
    var signingKey: Curve25519.Signing.PrivateKey? {
        kind == .ed25519Signing ? try? Curve25519.Signing.PrivateKey(rawRepresentation: keyBytes) : nil
    }

    /// The Ed25519 public key, for a signing or public key.
    var verifyingKey: Curve25519.Signing.PublicKey? {
        switch kind {
        case .hmacSHA256: nil
        case .ed25519Signing: derivedPublicKeyBytes.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
        case .ed25519Public: try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        }
    }
}
