import Foundation

/// Names one delivery: a message to an endpoint.
public struct DeliveryKey: Sendable, Hashable {
    public var messageID: String
    public var endpointID: String

    public init(messageID: String, endpointID: String) {
        self.messageID = messageID
        self.endpointID = endpointID
    }
}

/// A delivery leased for sending: everything the dispatcher needs but the endpoint's settings.
public struct DeliveryTask: Sendable, Hashable {
    public var messageID: String
    public var endpointID: String
    public var applicationID: String
    public var eventType: String
    /// The payload, or nil when it expired or was expunged (nothing is sent then).
    public var payload: [UInt8]?
    /// Attempts made so far.
    public var attemptCount: Int
    /// When the next attempt is due (a FIFO lane waits for its head until then).
    public var nextAttemptAt: Date
    /// The `content-type` of a raw payload; nil for a JSON object (`application/json`).
    public var contentType: String?

    public init(
        messageID: String,
        endpointID: String,
        applicationID: String,
        eventType: String,
        payload: [UInt8]?,
        attemptCount: Int,
        nextAttemptAt: Date,
        contentType: String? = nil
    ) {
        self.messageID = messageID
        self.endpointID = endpointID
        self.applicationID = applicationID
        self.eventType = eventType
        self.payload = payload
        self.attemptCount = attemptCount
        self.nextAttemptAt = nextAttemptAt
        self.contentType = contentType
    }

    public var key: DeliveryKey { DeliveryKey(messageID: messageID, endpointID: endpointID) }
}

/// A committed change to an endpoint that the scheduler must apply before handling anything after it.
public enum EndpointChange: Sendable {
    case updated(Endpoint)
    case deleted(endpointID: String)
}

/// How the store hands freshly committed deliveries to this process's scheduler: they are leased to `owner`
/// in the ingest transaction and passed over in memory after the commit, so the first attempt needs no poll.
public struct IngestHandoff: Sendable {
    public var owner: String
    public var leaseDuration: TimeInterval
    public var deliver: @Sendable ([DeliveryTask]) -> Void
    /// Told of each committed endpoint change (URL, secrets, limits, deletion) before the write returns, so
    /// it reaches the scheduler ahead of any message created afterwards.
    public var endpointChanged: @Sendable (EndpointChange) -> Void
    /// The time before which this process sends nothing to an endpoint (its circuit is open), or nil. Ingest
    /// writes such an endpoint's new deliveries pending until then instead of handing them over, which would
    /// only give them back with a second write.
    public var deferredUntil: @Sendable (_ endpointID: String) -> Date?

    public init(
        owner: String,
        leaseDuration: TimeInterval,
        deliver: @escaping @Sendable ([DeliveryTask]) -> Void,
        endpointChanged: @escaping @Sendable (EndpointChange) -> Void = { _ in },
        deferredUntil: @escaping @Sendable (_ endpointID: String) -> Date? = { _ in nil }
    ) {
        self.owner = owner
        self.leaseDuration = leaseDuration
        self.deliver = deliver
        self.endpointChanged = endpointChanged
        self.deferredUntil = deferredUntil
    }
}
