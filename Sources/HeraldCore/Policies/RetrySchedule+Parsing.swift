import Foundation

extension RetrySchedule {
    /// Reads a comma-separated list of delays, each a non-negative decimal number and a unit: `ms`, `s`, `m` or `h`.
    ///
    /// Spaces around elements and between number and unit are ignored: `"50ms, 1.5s,5m"`. Delays are rounded to the
    /// millisecond, so ``description`` reads back to an equal schedule.
    public init(parsing text: String) throws(RetryScheduleError) {
        let elements = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        if elements.allSatisfy(\.isEmpty) { throw .empty }
        if elements.count > Self.maximumDelayCount { throw .tooMany(count: elements.count) }
        var delays: [TimeInterval] = []
        delays.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            delays.append(try Self.parseDelay(element, position: index + 1))
        }
        self.init(delays: delays)
    }

    private static func parseDelay(_ element: Substring, position: Int) throws(RetryScheduleError) -> TimeInterval {
        guard !element.isEmpty else { throw .emptyElement(position: position) }
        let written = String(element)
        let unitStart = element.lastIndex(where: { !$0.isLetter }).map(element.index(after:)) ?? element.startIndex
        let unit = element[unitStart...]
        let number = element[..<unitStart].trimmingSpaces()
        let millisecondsPerUnit: Double
        switch unit {
        case "ms": millisecondsPerUnit = 1
        case "s": millisecondsPerUnit = 1_000
        case "m": millisecondsPerUnit = 60_000
        case "h": millisecondsPerUnit = 3_600_000
        case "": throw .missingUnit(written)
        default:
            // "nan" or "inf" alone read as a unit; they are not numbers with one.
            if number.isEmpty { throw .invalidNumber(written) }
            throw .unknownUnit(written)
        }
        if number.first == "-" { throw .negative(written) }
        guard isDecimal(number), let value = Double(number) else { throw .invalidNumber(written) }
        let milliseconds = (value * millisecondsPerUnit).rounded()
        guard milliseconds <= maximumDelay * 1_000 else { throw .tooLong(written) }
        return milliseconds / 1_000
    }

    /// Digits with at most one decimal point and at least one digit: no sign, exponent, `nan` or `inf`.
    private static func isDecimal(_ text: Substring) -> Bool {
        var digits = 0
        var points = 0
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            default: return false
            }
        }
        return digits > 0 && points <= 1
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
