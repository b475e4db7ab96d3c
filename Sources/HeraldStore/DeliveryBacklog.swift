import Foundation

/// Cluster-wide numbers behind the delivery gauges, as ``Store/deliveryBacklog(now:)`` counts them at one instant.
///
/// Every backend counts the same way: a delivery is *unfinished* while its status is pending or sending (leased);
/// it is *due* when it is unfinished and its `next_attempt_at` is at or before `now` (deliveries in flight stay
/// due until their outcome is recorded). Deliveries of disabled endpoints or behind an open circuit wait with a
/// later `next_attempt_at`, so they count as unfinished but not due.
public struct DeliveryBacklog: Sendable, Hashable {
    /// Unfinished deliveries (pending or sending), due or not.
    public var unfinished: Int
    /// Unfinished deliveries whose next attempt is due at `now`.
    public var due: Int
    /// The earliest `next_attempt_at` among due deliveries; nil when nothing is due.
    public var oldestDueAt: Date?
    /// Endpoints whose circuit breaker is open or half-open (disabled ones included).
    public var openCircuitEndpoints: Int
    /// Endpoints that are disabled (by an operator or automatically after failing too long).
    public var disabledEndpoints: Int

    public init(unfinished: Int, due: Int, oldestDueAt: Date?, openCircuitEndpoints: Int, disabledEndpoints: Int) {
        self.unfinished = unfinished
        self.due = due
        self.oldestDueAt = oldestDueAt
        self.openCircuitEndpoints = openCircuitEndpoints
        self.disabledEndpoints = disabledEndpoints
    }

    /// Unfinished deliveries not yet due (waiting for a retry, a circuit or a re-enabled endpoint).
    public var waiting: Int { max(0, unfinished - due) }

    /// Seconds since the oldest due delivery became due at `now`; 0 when nothing is due.
    public func oldestDueAge(now: Date) -> TimeInterval {
        oldestDueAt.map { max(0, now.timeIntervalSince($0)) } ?? 0
    }
}
