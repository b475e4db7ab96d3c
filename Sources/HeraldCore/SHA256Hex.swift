import Crypto

/// Lowercase hex SHA-256 of text: how Herald stores tokens and idempotency keys.
public enum SHA256Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func of(_ text: String) -> String {
        hex(digest(text))
    }

    /// The SHA-256 of `text`'s UTF-8 bytes. Digests compare in constant time (`==` of swift-crypto's digests).
    public static func digest(_ text: String) -> SHA256.Digest {
        var text = text
        return text.withUTF8 { SHA256.hash(data: $0) }
    }

    /// `digest` in lowercase hex.
    public static func hex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
                var index = 0
                for byte in bytes {
                    buffer[index] = digits[Int(byte >> 4)]
                    buffer[index + 1] = digits[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }
}
