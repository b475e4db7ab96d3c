/// Makes API tokens and the hashes they are stored as. Tokens carry 256 random bits, so a plain SHA-256
/// is a safe one-way hash for them (no password stretching is needed for random secrets).
public enum APITokenSecret {
    /// The prefix that marks a Herald API token.
    public static let prefix = "hrld_"

    /// A new random token, e.g. `hrld_3k9…` (43 base62 characters after the prefix).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        let characters = (0..<43).map { _ in alphabet[Int(generator.next(upperBound: UInt32(62)))] }
        return prefix + String(characters)
    }

    /// The lowercase hex SHA-256 of `token`, as stored.
    public static func hash(_ token: String) -> String {
        SHA256Hex.of(token)
    }
}
