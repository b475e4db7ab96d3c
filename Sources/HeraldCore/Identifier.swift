/// Makes Herald's resource ids: a prefix (`app_`, `ep_`, `msg_`, `atmpt_`) followed by 22 base62 characters
/// that encode 48 bits of milliseconds since 1970 and 80 random bits, so ids sort by creation time.
public enum Identifier {
    public static let applicationPrefix = "app_"
    public static let endpointPrefix = "ep_"
    public static let messagePrefix = "msg_"
    public static let attemptPrefix = "atmpt_"
    public static let tokenPrefix = "tok_"

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let encodedLength = 22

    /// A new id with `prefix` for the instant `milliseconds` (since 1970).
    public static func make(prefix: String, milliseconds: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(prefix: prefix, milliseconds: milliseconds, using: &generator)
    }

    /// A new id with `prefix` for the instant `milliseconds`, drawing its random bits from `generator`.
    public static func make(
        prefix: String,
        milliseconds: Int64,
        using generator: inout some RandomNumberGenerator
    ) -> String {
        let time = UInt128(UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF)
        let high = UInt128(generator.next() as UInt16)
        let low = UInt128(generator.next() as UInt64)
        var value = (time << 80) | (high << 64) | low
        var characters = [UInt8](repeating: alphabet[0], count: encodedLength)
        var index = encodedLength - 1
        while value > 0 && index >= 0 {
            characters[index] = alphabet[Int(value % 62)]
            value /= 62
            index -= 1
        }
        return prefix + String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` has the shape of an id with `prefix` (used to tell ids from uids).
    public static func looksLikeID(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        return rest.count == encodedLength && rest.allSatisfy { alphabet.contains($0) }
    }
}
