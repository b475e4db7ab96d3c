import Foundation

/// Limits the rate of requests to one endpoint: tokens refill continuously at ``ratePerSecond`` up to ``burst``,
/// and each request takes one.
///
/// ```swift
/// var bucket = TokenBucket(ratePerSecond: 50, now: now)
/// let wait = bucket.take(now: now)  // 0: send now; otherwise try again after `wait` seconds
/// ```
public struct TokenBucket: Sendable, Hashable {
    /// The lowest and highest rates the bucket works with; other rates (zero, negative, NaN, infinite) are clamped.
    public static let rateRange: ClosedRange<Double> = 0.000_001...1_000_000_000
    /// A token counts as available when this little of it is missing: absorbs rounding when a caller waits exactly
    /// the time ``take(now:)`` returned.
    private static let tolerance = 0.001

    public private(set) var ratePerSecond: Double
    /// The most tokens the bucket holds, and so the most requests sent back to back after a quiet spell.
    public private(set) var burst: Double
    /// Tokens held at `updatedAt`; slightly below zero when a token was granted within `tolerance`.
    private var tokens: Double
    private var updatedAt: Date

    /// A full bucket. `burst` defaults to `max(1, ratePerSecond)`, one second's worth; it is never below 1.
    public init(ratePerSecond: Double, burst: Double? = nil, now: Date) {
        self.ratePerSecond = Self.clamp(ratePerSecond)
        self.burst = Self.burst(burst, rate: self.ratePerSecond)
        self.tokens = self.burst
        self.updatedAt = now
    }

    /// Takes a token if one is available and returns 0; otherwise takes nothing and returns the seconds until one is.
    public mutating func take(now: Date) -> TimeInterval {
        refill(now: now)
        if tokens >= 1 - Self.tolerance {
            tokens -= 1
            return 0
        }
        let wait = (1 - tokens) / ratePerSecond
        // Never return a wait too small to move `now`, or a caller adding it would ask again at the same instant.
        return Swift.max(wait, now.timeIntervalSinceReferenceDate.magnitude.ulp)
    }

    /// The tokens available at `now`, without taking any.
    public func availableTokens(now: Date) -> Double {
        var copy = self
        copy.refill(now: now)
        return Swift.max(0, copy.tokens)
    }

    /// Changes the rate from `now` on, keeping the tokens already accrued (up to the new burst).
    ///
    /// `burst` defaults to `max(1, ratePerSecond)`, as in ``init(ratePerSecond:burst:now:)``.
    public mutating func setRate(_ ratePerSecond: Double, burst: Double? = nil, now: Date) {
        refill(now: now)
        self.ratePerSecond = Self.clamp(ratePerSecond)
        self.burst = Self.burst(burst, rate: self.ratePerSecond)
        tokens = Swift.min(tokens, self.burst)
    }

    private mutating func refill(now: Date) {
        let elapsed = now.timeIntervalSince(updatedAt)
        // A clock that stepped backwards adds nothing and restarts accrual from `now`.
        if elapsed > 0 { tokens = Swift.min(burst, tokens + elapsed * ratePerSecond) }
        updatedAt = now
    }

    private static func clamp(_ rate: Double) -> Double {
        rate.isNaN ? rateRange.lowerBound : Swift.min(Swift.max(rate, rateRange.lowerBound), rateRange.upperBound)
    }

    private static func burst(_ burst: Double?, rate: Double) -> Double {
        guard let burst, !burst.isNaN else { return Swift.max(1, rate) }
        return Swift.min(Swift.max(1, burst), Swift.max(1, rateRange.upperBound))
    }
}
