import Foundation

/// A destination other than a webhook endpoint (Svix's destinations). Herald has one kind: the polling endpoint,
/// from which a consumer reads the application's messages, filtered like an endpoint's, instead of receiving them.
public struct Destination: Sendable, Hashable {
    /// The only destination type Herald serves.
    public static let pollingEndpoint = "pollingEndpoint"

    public var id: String
    public var applicationID: String
    public var uid: String?
    public var type: String
    /// A disabled polling endpoint answers no polls (409) until it is enabled again.
    public var disabled: Bool
    /// The event types it receives; nil for every type.
    public var eventTypes: [String]?
    /// The channels it receives; nil for every message.
    public var channels: [String]?
    /// Kept as given: batching settings of Svix's pushing destinations, which a polling endpoint does not use.
    public var batchSize: Int
    public var maxWaitSeconds: Int
    public var metadata: [String: String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        applicationID: String,
        uid: String? = nil,
        type: String = Destination.pollingEndpoint,
        disabled: Bool = false,
        eventTypes: [String]? = nil,
        channels: [String]? = nil,
        batchSize: Int = 100,
        maxWaitSeconds: Int = 0,
        metadata: [String: String] = [:],
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.applicationID = applicationID
        self.uid = uid
        self.type = type
        self.disabled = disabled
        self.eventTypes = eventTypes
        self.channels = channels
        self.batchSize = batchSize
        self.maxWaitSeconds = maxWaitSeconds
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether a message of `eventType` on `messageChannels` is one this destination receives: the same rule as
    /// an endpoint's filters.
    public func accepts(eventType: String, messageChannels: [String]?) -> Bool {
        SubscriptionFilter.passes(
            eventType: eventType, messageChannels: messageChannels, eventTypes: eventTypes, channels: channels)
    }

    /// Where a consumer starts that has neither an iterator nor a time: the messages made since the destination.
    public var startPosition: String {
        Identifier.messagePosition(after: createdAt.millisecondsSince1970 - 1)
    }
}
