import Synchronization

/// Makes ids that sort in the order they were made, also within one millisecond: an id made in the millisecond of
/// the previous one (or earlier, if the clock stepped back) is the previous one plus one.
///
/// Message ids need this: a FIFO endpoint receives its messages in id order, and a producer may create two in one
/// millisecond. Random bits alone would order those two by chance.
public final class MonotonicIdentifiers: Sendable {
    private let last = Mutex<(high: UInt64, low: UInt64)>((0, 0))

    public init() {}

    /// A new id with `prefix` for the instant `milliseconds` (since 1970), above every id made before by this one.
    public func make(prefix: String, milliseconds: Int64) -> String {
        var generator = Identifier.TwoDraws()
        return make(prefix: prefix, milliseconds: milliseconds, using: &generator)
    }

    /// As ``make(prefix:milliseconds:)``, drawing the random bits from `generator`.
    public func make(prefix: String, milliseconds: Int64, using generator: inout some RandomNumberGenerator) -> String {
        let drawn = Identifier.value(milliseconds: milliseconds, using: &generator)
        let (high, low) = last.withLock { last -> (UInt64, UInt64) in
            if drawn.0 >> 16 > last.high >> 16 {
                last = drawn
            } else {
                let (low, carry) = last.low.addingReportingOverflow(1)
                last = (last.high &+ (carry ? 1 : 0), low)
            }
            return last
        }
        return Identifier.encode(prefix: prefix, high: high, low: low)
    }
}
