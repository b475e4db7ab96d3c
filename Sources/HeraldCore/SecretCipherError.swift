/// Why a main key or a sealed value was refused. Messages name key ids (fingerprints), never keys or secrets.
///
/// A struct wrapping a private enum, so cases can be added without breaking callers.
public struct SecretCipherError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case invalidKey(byteCount: Int)
        case invalidKeyEncoding
        case malformedEnvelope
        case unsupportedVersion(String)
        case wrongKey(sealedWith: String, mainKey: String)
        case authenticationFailed
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// The key is not 32 bytes long.
    static func invalidKey(byteCount: Int) -> SecretCipherError { SecretCipherError(.invalidKey(byteCount: byteCount)) }
    /// The key text is not base64.
    static let invalidKeyEncoding = SecretCipherError(.invalidKeyEncoding)
    /// The value is not an `enc:v1:…` envelope.
    static let malformedEnvelope = SecretCipherError(.malformedEnvelope)
    /// The envelope is of a format version this Herald does not know.
    static func unsupportedVersion(_ version: String) -> SecretCipherError { SecretCipherError(.unsupportedVersion(version)) }
    /// The value was sealed under another key.
    static func wrongKey(sealedWith: String, mainKey: String) -> SecretCipherError {
        SecretCipherError(.wrongKey(sealedWith: sealedWith, mainKey: mainKey))
    }
    /// The value was altered, or opened with another context than it was sealed with.
    static let authenticationFailed = SecretCipherError(.authenticationFailed)

    /// The key itself was unusable (bad length or encoding), as opposed to a value that does not open.
    public var isInvalidKey: Bool {
        switch kind {
        case .invalidKey, .invalidKeyEncoding: true
        default: false
        }
    }

    /// The value was sealed under a different main key.
    public var isWrongKey: Bool {
        if case .wrongKey = kind { return true }
        return false
    }

    /// The value was altered or does not belong where it was found.
    public var isAuthenticationFailure: Bool { kind == .authenticationFailed }

    /// The value is not a sealed value of a known format.
    public var isMalformed: Bool {
        switch kind {
        case .malformedEnvelope, .unsupportedVersion: true
        default: false
        }
    }

    public var description: String {
        switch kind {
        case .invalidKey(let count):
            "the main key must be exactly 32 bytes (base64 of 32 random bytes), got \(count) bytes"
        case .invalidKeyEncoding:
            "the main key is not valid base64 (expected base64 of exactly 32 bytes)"
        case .malformedEnvelope:
            "the sealed value is malformed (expected enc:v1:<key-id>:<base64>)"
        case .unsupportedVersion(let version):
            "the sealed value has the unknown format version '\(version)'"
        case .wrongKey(let sealedWith, let mainKey):
            "the value was sealed with main key \(sealedWith), but the main key in use is \(mainKey)"
        case .authenticationFailed:
            "the sealed value does not open: it was altered or does not belong here"
        }
    }
}
