import Foundation
import HeraldCore
import HeraldStore

/// Settings of the delivery engine. Defaults are the documented ones.
public struct DeliveryConfiguration: Sendable {
    /// Which signature headers deliveries carry (`HERALD_SIGNATURE_HEADERS`).
    public enum SignatureHeaders: String, Sendable, CaseIterable {
        case webhook, svix, both
    }

    public var retrySchedule = RetrySchedule.standard
    /// The whole exchange, connect to last byte read (`HERALD_REQUEST_TIMEOUT`).
    public var requestTimeout: TimeInterval = 15
    /// Requests in flight to one endpoint (`HERALD_ENDPOINT_CONCURRENCY`).
    public var endpointConcurrency = 16
    /// Requests in flight in this process.
    public var globalConcurrency = 512
    public var circuit = CircuitBreaker.Configuration()
    /// An endpoint failing with no success for this long is disabled (`HERALD_DISABLE_AFTER`).
    public var disableAfter: TimeInterval = 5 * 86_400
    /// How often the scheduler looks for due deliveries (retries, recovered leases).
    public var pollInterval: TimeInterval = 1
    /// How long a leased delivery belongs to this process before another may take it.
    public var leaseDuration: TimeInterval = 300
    /// Bytes of a response body kept in the attempt record; the rest is not read.
    public var maximumResponseBytes = 20 * 1024
    public var signatureHeaders = SignatureHeaders.webhook
    /// The longest delay a `Retry-After` may impose.
    public var maximumRetryAfter: TimeInterval = 24 * 3600
    /// On shutdown, how long in-flight attempts may finish before they are abandoned (and released).
    public var shutdownGracePeriod: TimeInterval = 10
    /// Deliveries queued in memory per endpoint; more wait in the store. At least one lease's worth, so a
    /// backlog to one endpoint drains at the endpoint's pace, not the poll interval's.
    public var laneCapacity = 1024
    /// Where operational events go (`HERALD_OPERATIONAL_APP`, an application id or uid); nil turns them off.
    public var operationalApplication: String? = OperationalEvents.defaultApplication
    /// The networks deliveries may reach despite the address guard (`HERALD_ALLOWED_NETWORKS`).
    public var addressPolicy = AddressPolicy()
    /// The HTTP proxy every delivery goes through (`HERALD_OUTBOUND_PROXY`); nil connects directly.
    public var outboundProxy: OutboundProxy?
    /// This process's name in lease records. Keep it across restarts (`herald serve` stores it in the data
    /// directory) so a restarted process takes back its own leases at once.
    public var instanceID = "herald-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)

    public init() {}
}
