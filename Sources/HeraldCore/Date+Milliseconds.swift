import Foundation

extension Date {
    /// Whole milliseconds since 1970, rounded down, as Herald stores and prints instants.
    ///
    /// A date made from whole milliseconds can come back a hair below them (`Date` counts from 2001, so the
    /// conversion rounds); such a value, within a microsecond of a whole millisecond, is that millisecond.
    public var millisecondsSince1970: Int64 {
        let milliseconds = timeIntervalSince1970 * 1000
        let nearest = milliseconds.rounded()
        return Int64(abs(milliseconds - nearest) < 0.001 ? nearest : milliseconds.rounded(.down))
    }
}
