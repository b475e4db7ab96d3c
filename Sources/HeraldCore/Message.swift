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

    public init(
        id: String,
        applicationID: String,
        eventType: String,
        eventID: String? = nil,
        channels: [String]? = nil,
        tags: [String]? = nil,
        payload: [UInt8]?,
        payloadExpiresAt: Date,
        createdAt: Date
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

    public init(
        eventType: String,
        eventID: String? = nil,
        channels: [String]? = nil,
        tags: [String]? = nil,
        payload: [UInt8],
        retention: TimeInterval = Double(Message.defaultRetentionDays) * 86_400
    ) {
        self.eventType = eventType
        self.eventID = eventID
        self.channels = channels
        self.tags = tags
        self.payload = payload
        self.retention = retention
    }
}
