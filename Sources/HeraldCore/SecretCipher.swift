import Crypto
import Foundation

/// Seals short secrets (endpoint signing secrets, custom header values) with AES-256-GCM under Herald's main key,
/// as self-describing text: `enc:v1:<key-id>:<base64(nonce | ciphertext | tag)>` (see ``Envelope``).
///
/// The key id is a short hash of the key, so a value sealed under another key is refused with a clear
/// ``SecretCipherError`` instead of failing authentication with no hint. An optional `context` is bound as
/// associated data: a value opens only with the context it was sealed with (e.g. its column and row id).
///
/// ```swift
/// let cipher = try SecretCipher(base64Key: environment["HERALD_MAIN_KEY"]!)
/// let sealed = try cipher.seal("whsec_…", context: "endpoint.secrets:ep_…")
/// let secret = try cipher.open(sealed, context: "endpoint.secrets:ep_…")
/// ```
public struct SecretCipher: Sendable {
    /// The main key's length: 32 bytes (AES-256).
    public static let keyByteCount = 32

    private let key: SymmetricKey
    /// A short, non-secret fingerprint of the key (8 hex characters), written into every envelope.
    public let keyID: String

    /// A cipher for `key`, which must be 256 bits long.
    public init(key: SymmetricKey) throws(SecretCipherError) {
        guard key.bitCount == Self.keyByteCount * 8 else { throw .invalidKey(byteCount: key.bitCount / 8) }
        self.key = key
        keyID = key.withUnsafeBytes { bytes in
            var hasher = SHA256()
            hasher.update(data: Array("herald-main-key-id:".utf8))
            hasher.update(bufferPointer: bytes)
            return hasher.finalize().prefix(4).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
    }

    /// A cipher for the base64 text of a 32-byte key (surrounding whitespace is ignored).
    public init(base64Key: String) throws(SecretCipherError) {
        let text = base64Key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text) else { throw .invalidKeyEncoding }
        try self.init(key: SymmetricKey(data: bytes))
    }

    /// A cipher with a fresh random key (tests and throwaway stores; a real key must be kept to read data back).
    public static func random() -> SecretCipher {
        // A 256-bit key always passes the length check.
        try! SecretCipher(key: SymmetricKey(size: .bits256))
    }

    /// The base64 text of 32 fresh random bytes: a new main key.
    public static func makeBase64Key() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Whether `text` looks like a sealed value (it may still be malformed or sealed under another key).
    public static func isSealed(_ text: String) -> Bool {
        text.hasPrefix(Envelope.prefix)
    }

    /// Seals `plaintext`; `context` must be given again to open it.
    public func seal(_ plaintext: String, context: String = "") throws(SecretCipherError) -> String {
        do {
            let box = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw SecretCipherError.authenticationFailed }
            return Envelope(version: Envelope.currentVersion, keyID: keyID, sealed: [UInt8](combined)).description
        } catch let error as SecretCipherError {
            throw error
        } catch {
            throw .authenticationFailed
        }
    }

    /// Opens a value made by ``seal(_:context:)`` with the same key and context.
    public func open(_ sealed: String, context: String = "") throws(SecretCipherError) -> String {
        let envelope = try Envelope(parsing: sealed)
        guard envelope.keyID == keyID else { throw .wrongKey(sealedWith: envelope.keyID, mainKey: keyID) }
        do {
            let box = try AES.GCM.SealedBox(combined: envelope.sealed)
            let plaintext = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            guard let text = String(data: plaintext, encoding: .utf8) else { throw SecretCipherError.authenticationFailed }
            return text
        } catch {
            throw .authenticationFailed
        }
    }
}
