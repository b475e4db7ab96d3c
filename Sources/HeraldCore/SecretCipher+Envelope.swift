import Foundation

extension SecretCipher {
    /// The text form of a sealed value: `enc:v1:<key-id>:<base64(nonce | ciphertext | tag)>`.
    public struct Envelope: Sendable, Hashable, CustomStringConvertible {
        /// What every sealed value starts with.
        public static let prefix = "enc:"
        /// The format this version of Herald writes.
        public static let currentVersion = "v1"
        /// AES-GCM's nonce and tag lengths: a sealed value is at least this long.
        static let overheadByteCount = 12 + 16

        /// The format version (`v1`).
        public var version: String
        /// The ``SecretCipher/keyID`` of the key that sealed the value.
        public var keyID: String
        /// Nonce, ciphertext and tag, concatenated.
        public var sealed: [UInt8]

        public init(version: String, keyID: String, sealed: [UInt8]) {
            self.version = version
            self.keyID = keyID
            self.sealed = sealed
        }

        /// Parses the text form; anything else throws ``SecretCipherError`` (malformed or of an unknown version).
        public init(parsing text: String) throws(SecretCipherError) {
            let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "enc" else { throw .malformedEnvelope }
            guard parts[1] == Self.currentVersion else { throw .unsupportedVersion(String(parts[1])) }
            let keyID = String(parts[2])
            guard keyID.count == 8, keyID.allSatisfy(\.isHexDigit),
                let sealed = Data(base64Encoded: String(parts[3])), sealed.count >= Self.overheadByteCount
            else { throw .malformedEnvelope }
            self.init(version: String(parts[1]), keyID: keyID, sealed: [UInt8](sealed))
        }

        public var description: String {
            "\(Self.prefix)\(version):\(keyID):\(Data(sealed).base64EncodedString())"
        }
    }
}
