/// Makes Herald's resource ids: a prefix (`app_`, `ep_`, `msg_`, `atmpt_`, …) followed by 22 base62 characters
/// that encode 48 bits of milliseconds since 1970 and 80 random bits, so ids sort by creation time.
public enum Identifier {
    public static let applicationPrefix = "app_"
    public static let endpointPrefix = "ep_"
    public static let messagePrefix = "msg_"
    public static let attemptPrefix = "atmpt_"
    public static let tokenPrefix = "tok_"
    public static let backgroundTaskPrefix = "qtask_"
    public static let integrationPrefix = "integ_"
    public static let destinationPrefix = "poll_"

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let encodedLength = 22

    /// A new id with `prefix` for the instant `milliseconds` (since 1970).
    public static func make(prefix: String, milliseconds: Int64) -> String {
        var generator = TwoDraws()
        return make(prefix: prefix, milliseconds: milliseconds, using: &generator)
    }

    /// The system's random bits for one id, taken from ``RandomReserve``: `SystemRandomNumberGenerator` makes a
    /// system call per 64-bit draw, and an id takes two (1.5% of the CPU of a message create).
    struct TwoDraws: RandomNumberGenerator {
        private var draws: (UInt64, UInt64)
        private var used = 0

        init() {
            draws = RandomReserve.shared.take()
        }

        mutating func next() -> UInt64 {
            used += 1
            switch used {
            case 1: return draws.0
            case 2: return draws.1
            default:
                var system = SystemRandomNumberGenerator()
                return system.next()
            }
        }
    }

    /// A new id with `prefix` for the instant `milliseconds`, drawing its random bits from `generator`.
    public static func make(
        prefix: String,
        milliseconds: Int64,
        using generator: inout some RandomNumberGenerator
    ) -> String {
        let (high, low) = value(milliseconds: milliseconds, using: &generator)
        return encode(prefix: prefix, high: high, low: low)
    }

    /// The 128-bit value of an id as two 64-bit halves: 48 bits of time and 16 random bits, then 64 random bits.
    static func value(milliseconds: Int64, using generator: inout some RandomNumberGenerator) -> (UInt64, UInt64) {
        let time = UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
        return (time << 16 | UInt64(UInt16(truncatingIfNeeded: generator.next())), generator.next())
    }

    /// `prefix` and the 22 base-62 digits of the value `high`, `low`.
    static func encode(prefix: String, high: UInt64, low: UInt64) -> String {
        var (high, low) = (high, low)
        var characters = [UInt8](repeating: alphabet[0], count: encodedLength)
        // Base 62, least significant digit first: long division of (high, low) by 62 with hardware divides.
        for index in stride(from: encodedLength - 1, through: 0, by: -1) {
            let (highQuotient, highRemainder) = high.quotientAndRemainder(dividingBy: 62)
            let (lowQuotient, remainder) = UInt64(62).dividingFullWidth((highRemainder, low))
            (high, low) = (highQuotient, lowQuotient)
            characters[index] = alphabet[Int(remainder)]
        }
        return prefix + String(decoding: characters, as: UTF8.self)
    }

    /// The smallest id with `prefix` that can be made in the instant `milliseconds`: every id made then or later
    /// sorts at or above it. For scanning ids by time.
    public static func lowerBound(prefix: String, milliseconds: Int64) -> String {
        encode(prefix: prefix, high: (UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF) << 16, low: 0)
    }

    /// The largest id with `prefix` that can be made in the instant `milliseconds`: every id made later sorts above
    /// it. A poller's position "after this instant".
    public static func upperBound(prefix: String, milliseconds: Int64) -> String {
        encode(prefix: prefix, high: (UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF) << 16 | 0xFFFF, low: .max)
    }

    /// A poller's position after the instant `milliseconds`: the messages made later sort above it.
    public static func messagePosition(after milliseconds: Int64) -> String {
        upperBound(prefix: messagePrefix, milliseconds: milliseconds)
    }

    /// Whether `text` has the shape of an id with `prefix` (used to tell ids from uids).
    public static func looksLikeID(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        return rest.count == encodedLength && rest.allSatisfy { alphabet.contains($0) }
    }
}
