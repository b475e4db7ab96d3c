import Foundation

/// How long an endpoint has been failing, to disable one that has failed without a break for days.
public struct EndpointHealth: Sendable, Hashable, Codable {
    /// How long an endpoint may fail without a single success before it is disabled: 5 days.
    public static let defaultDisableAfter: TimeInterval = 5 * 24 * 3_600

    public var lastSuccessAt: Date?
    /// The first failure since the last success; `nil` while healthy.
    public var failingSince: Date?

    public init(lastSuccessAt: Date? = nil, failingSince: Date? = nil) {
        self.lastSuccessAt = lastSuccessAt
        self.failingSince = failingSince
    }

    public mutating func recordSuccess(now: Date) {
        lastSuccessAt = now
        failingSince = nil
    }

    /// Starts the failing period at the first failure; later failures leave it where it began.
    public mutating func recordFailure(now: Date) {
        if failingSince == nil { failingSince = now }
    }

    /// Whether the endpoint has been failing for at least `after` seconds.
    public func shouldDisable(now: Date, after: TimeInterval = EndpointHealth.defaultDisableAfter) -> Bool {
        guard let failingSince else { return false }
        return now.timeIntervalSince(failingSince) >= after
    }
}
