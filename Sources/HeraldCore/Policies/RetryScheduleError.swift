/// Why a text could not be read as a ``RetrySchedule``.
///
/// Each ``description`` is a sentence fit for an API error or a configuration message, naming the bad element.
public struct RetryScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case empty
        case emptyElement(position: Int)
        case missingUnit(String)
        case unknownUnit(String)
        case invalidNumber(String)
        case negative(String)
        case tooLong(String)
        case tooMany(count: Int)
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    /// The text lists no delays at all.
    static let empty = RetryScheduleError(.empty)
    /// Two commas with nothing between them, or a trailing comma; `position` is 1-based.
    static func emptyElement(position: Int) -> RetryScheduleError { RetryScheduleError(.emptyElement(position: position)) }
    /// A number without a unit, such as `5`.
    static func missingUnit(_ element: String) -> RetryScheduleError { RetryScheduleError(.missingUnit(element)) }
    /// A unit other than `ms`, `s`, `m` or `h`, such as `5d`.
    static func unknownUnit(_ element: String) -> RetryScheduleError { RetryScheduleError(.unknownUnit(element)) }
    /// A unit with something other than a decimal number before it (including `nan` and `inf`).
    static func invalidNumber(_ element: String) -> RetryScheduleError { RetryScheduleError(.invalidNumber(element)) }
    /// A delay below zero.
    static func negative(_ element: String) -> RetryScheduleError { RetryScheduleError(.negative(element)) }
    /// A delay above ``RetrySchedule/maximumDelay``.
    static func tooLong(_ element: String) -> RetryScheduleError { RetryScheduleError(.tooLong(element)) }
    /// More than ``RetrySchedule/maximumDelayCount`` delays.
    static func tooMany(count: Int) -> RetryScheduleError { RetryScheduleError(.tooMany(count: count)) }

    /// The rejected element as written, when the error is about one element.
    public var element: String? {
        switch reason {
        case .missingUnit(let element), .unknownUnit(let element), .invalidNumber(let element), .negative(let element),
            .tooLong(let element):
            element
        case .empty, .emptyElement, .tooMany:
            nil
        }
    }

    public var description: String {
        switch reason {
        case .empty:
            "The retry schedule is empty: list delays such as 5s,5m,30m."
        case .emptyElement(let position):
            "The retry schedule's element \(position) is empty."
        case .missingUnit(let element):
            "The retry schedule's element \"\(element)\" has no unit: use ms, s, m or h."
        case .unknownUnit(let element):
            "The retry schedule's element \"\(element)\" has an unknown unit: use ms, s, m or h."
        case .invalidNumber(let element):
            "The retry schedule's element \"\(element)\" is not a number followed by a unit."
        case .negative(let element):
            "The retry schedule's element \"\(element)\" is negative."
        case .tooLong(let element):
            "The retry schedule's element \"\(element)\" is longer than 7 days."
        case .tooMany(let count):
            "The retry schedule has \(count) delays; at most \(RetrySchedule.maximumDelayCount) are allowed."
        }
    }
}
