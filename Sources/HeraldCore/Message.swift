import Foundation

/// An event a producer emitted for one application: the payload Herald delivers to every matching endpoint.
public struct Message: Sendable, Hashable {
    public var id: String
    public var applicationID: String
    public var eventType: String
    /// The producer's own id for the event, unique within the application.
    public var eventID: String?
    public var channels: [String]?
    public var tags: [String]?
    /// The payload as JSON bytes, or nil once expunged or expired.
    public var payload: [UInt8]?
    public var payloadExpiresAt: Date
    public var createdAt: Date
    /// When the producer asked the first attempts to be made, if not at once.
    public var deliverAt: Date?
    /// Set for a raw payload (any bytes, not necessarily a JSON object): the `content-type` it is delivered with.
    /// Nil for a JSON object payload, delivered as `application/json`.
    public var contentType: String?

    public init(
        id: String,
        applicationID: String,
        eventType: String,
        eventID: String? = nil,
        channels: [String]? = nil,
        tags: [String]? = nil,
        payload: [UInt8]?,
        payloadExpiresAt: Date,
        createdAt: Date,
        deliverAt: Date? = nil,
        contentType: String? = nil
    ) {
        self.id = id
        self.applicationID = applicationID
        self.eventType = eventType
        self.eventID = eventID
        self.channels = channels
        self.tags = tags
        self.payload = payload
        self.payloadExpiresAt = payloadExpiresAt
        self.createdAt = createdAt
        self.deliverAt = deliverAt
        self.contentType = contentType
    }

    /// Payloads are kept this many days unless the message says otherwise.
    public static let defaultRetentionDays = 90
}

/// What a producer asks Herald to accept: a message not yet stored.
public struct NewMessage: Sendable, Hashable {
    public var eventType: String
    public var eventID: String?
    public var channels: [String]?
    public var tags: [String]?
    public var payload: [UInt8]
    /// How long the payload is kept, in seconds.
    public var retention: TimeInterval
    /// When the first attempts are due, if later than the message's creation: its deliveries wait until then.
    public var deliverAt: Date?
    /// Set for a raw payload: the `content-type` it is delivered with (see ``Message/contentType``).
    public var contentType: String?
    /// The one endpoint (id) this message goes to, whatever its filters: an example sent to try the endpoint out.
    /// Nil: every enabled endpoint whose filters let it through.
    public var onlyEndpoint: String?

    public init(
        eventType: String,
        eventID: String? = nil,
        channels: [String]? = nil,
        tags: [String]? = nil,
        payload: [UInt8],
        retention: TimeInterval = Double(Message.defaultRetentionDays) * 86_400,
        deliverAt: Date? = nil,
        contentType: String? = nil,
        onlyEndpoint: String? = nil
    ) {
        self.eventType = eventType
        self.eventID = eventID
        self.channels = channels
        self.tags = tags
        self.payload = payload
        self.retention = retention
        self.deliverAt = deliverAt
        self.contentType = contentType
        self.onlyEndpoint = onlyEndpoint
    }

    /// Whether one of this message's deliveries goes to `endpoint`.
    public func goes(to endpoint: Endpoint) -> Bool {
        if let onlyEndpoint { return endpoint.id == onlyEndpoint }
        return endpoint.accepts(eventType: eventType, messageChannels: channels)
    }

    /// Until when a delivery of this message waits: the later of `deliverAt` and `endpointDeferral` (the time its
    /// endpoint's open circuit lets a probe through), or whichever is set.
    public func waitsUntil(endpointDeferral: Date?) -> Date? {
        guard let deliverAt else { return endpointDeferral }
        guard let endpointDeferral else { return deliverAt }
        return max(deliverAt, endpointDeferral)
    }
}
