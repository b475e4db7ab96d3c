import Crypto

/// Lowercase hex SHA-256 of text: how Herald stores tokens and idempotency keys.
public enum SHA256Hex {
    public static func of(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
