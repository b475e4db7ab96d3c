import Foundation

/// What an attempt's result means for its delivery.
public enum OutcomeClassification: Sendable, Hashable {
    /// The endpoint accepted the message (2xx).
    case success
    /// The attempt failed; retry per the schedule, or no sooner than `retryAfter` seconds when the endpoint said so.
    case failure(retryAfter: TimeInterval?)
    /// The endpoint answered 410 Gone: it wants no more messages, so stop and disable it.
    case gone
}
