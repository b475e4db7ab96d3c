import Foundation

/// The delays between the attempts of one delivery: the first attempt is immediate, then one attempt after each delay.
///
/// ```swift
/// let schedule = try RetrySchedule(parsing: "5s, 5m, 30m")
/// schedule.maximumAttempts  // 4
/// schedule.nextAttempt(after: 1, now: now, using: &generator)  // now + 5 s ± 20 %
/// ```
///
/// Parsed schedules are validated (at most ``maximumDelayCount`` delays, each within `0 ... maximumDelay`) and kept to
/// the millisecond; ``init(delays:)`` takes its delays as given.
public struct RetrySchedule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Seconds to wait after each failed attempt: `delays[0]` after the first, and so on.
    public var delays: [TimeInterval]

    public init(delays: [TimeInterval]) {
        self.delays = delays
    }

    /// 5s, 5m, 30m, 2h, 5h, 10h, 10h: eight attempts over about 27.6 hours.
    public static let standard = RetrySchedule(delays: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])

    /// The most delays a parsed schedule may list.
    public static let maximumDelayCount = 50
    /// The longest single delay a parsed schedule may hold: 7 days.
    public static let maximumDelay: TimeInterval = 7 * 24 * 3_600
    /// Each delay is stretched or shrunk by a random factor in `1 - jitter ... 1 + jitter`, so retries spread out.
    public static let jitter = 0.2

    /// The first attempt plus one per delay.
    public var maximumAttempts: Int { delays.count + 1 }

    /// When to make the next attempt after attempt `attemptNumber` (1-based) failed, or `nil` when the schedule is
    /// exhausted and the delivery has failed for good.
    ///
    /// After attempt `n` the delay is `delays[n - 1]`, multiplied by a factor drawn uniformly from ±``jitter``.
    /// An `attemptNumber` below 1 means no attempt was made yet, so the answer is `now`.
    public func nextAttempt(
        after attemptNumber: Int,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> Date? {
        guard attemptNumber >= 1 else { return now }
        guard attemptNumber <= delays.count else { return nil }
        let factor = Double.random(in: (1 - Self.jitter)...(1 + Self.jitter), using: &generator)
        return now.addingTimeInterval(delays[attemptNumber - 1] * factor)
    }

    /// The schedule in the form ``init(parsing:)`` reads, such as `5s,5m,30m,2h`; delays that are not a whole number
    /// of seconds are written in milliseconds (`1500ms`), rounded to the millisecond.
    public var description: String {
        delays.map(Self.render).joined(separator: ",")
    }

    private static func render(_ delay: TimeInterval) -> String {
        guard delay.isFinite else { return "\(delay)s" }
        let milliseconds = (delay * 1_000).rounded()
        guard milliseconds.magnitude < 1e15 else { return "\(Int64(delay.rounded()))s" }
        let whole = Int64(milliseconds)
        if whole % 1_000 != 0 { return "\(whole)ms" }
        let seconds = whole / 1_000
        if seconds != 0, seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds != 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
