import Foundation
import HeraldCore

/// Which of an endpoint's finished deliveries a bulk replay sends again.
public struct BulkReplayFilter: Sendable, Hashable {
    /// Messages created in [since, until].
    public var since: Date
    public var until: Date
    public var eventTypes: [String]?
    public var channel: String?
    public var tag: String?
    /// Only deliveries in this status (of the final ones: succeeded or failed).
    public var status: DeliveryStatus?
    /// Only deliveries with an attempt answered in this class: 1…5 for 1xx…5xx, 0 for no response.
    public var statusCodeClass: Int?

    public init(
        since: Date,
        until: Date,
        eventTypes: [String]? = nil,
        channel: String? = nil,
        tag: String? = nil,
        status: DeliveryStatus? = nil,
        statusCodeClass: Int? = nil
    ) {
        self.since = since
        self.until = until
        self.eventTypes = eventTypes
        self.channel = channel
        self.tag = tag
        self.status = status
        self.statusCodeClass = statusCodeClass
    }

    /// The response codes of ``statusCodeClass`` as a half-open range (class 0, no response, is code 0).
    public var statusCodes: Range<Int>? {
        statusCodeClass.map { $0 == 0 ? 0..<1 : $0 * 100..<$0 * 100 + 100 }
    }

    /// The ids the window's messages can have (see ``ReplayTarget/messageIDs(since:until:)``).
    public var messageIDs: Range<String> { ReplayTarget.messageIDs(since: since, until: until) }
}

/// Narrows a list of background tasks.
public struct BackgroundTaskFilter: Sendable, Hashable {
    public var status: BackgroundTask.Status?
    public var kind: BackgroundTask.Kind?

    public init(status: BackgroundTask.Status? = nil, kind: BackgroundTask.Kind? = nil) {
        self.status = status
        self.kind = kind
    }
}

/// Narrows a message list.
public struct MessageFilter: Sendable, Hashable {
    public var eventTypes: [String]?
    public var channel: String?
    public var tag: String?
    public var before: Date?
    public var after: Date?
    /// For lists of deliveries: only those in this status.
    public var status: DeliveryStatus?

    public init(
        eventTypes: [String]? = nil,
        channel: String? = nil,
        tag: String? = nil,
        before: Date? = nil,
        after: Date? = nil,
        status: DeliveryStatus? = nil
    ) {
        self.eventTypes = eventTypes
        self.channel = channel
        self.tag = tag
        self.before = before
        self.after = after
        self.status = status
    }
}

/// Narrows an attempt list; `endpoint` or `message` (ids or uids) scope it.
public struct AttemptFilter: Sendable, Hashable {
    public var endpoint: String?
    public var message: String?
    public var status: DeliveryStatus?
    /// 1, 2, 3, 4 or 5 for 1xx…5xx; 0 for attempts without a response.
    public var statusCodeClass: Int?
    public var messageFilter: MessageFilter

    public init(
        endpoint: String? = nil,
        message: String? = nil,
        status: DeliveryStatus? = nil,
        statusCodeClass: Int? = nil,
        messageFilter: MessageFilter = MessageFilter()
    ) {
        self.endpoint = endpoint
        self.message = message
        self.status = status
        self.statusCodeClass = statusCodeClass
        self.messageFilter = messageFilter
    }
}

/// An endpoint a message is (being) delivered to, with that delivery's state.
public struct MessageDestination: Sendable, Hashable {
    public var endpoint: Endpoint
    public var delivery: Delivery

    public init(endpoint: Endpoint, delivery: Delivery) {
        self.endpoint = endpoint
        self.delivery = delivery
    }
}

/// A message (being) delivered to an endpoint, with that delivery's state.
public struct EndpointMessage: Sendable, Hashable {
    public var message: Message
    public var delivery: Delivery

    public init(message: Message, delivery: Delivery) {
        self.message = message
        self.delivery = delivery
    }
}

/// How many deliveries an application's messages of a time window made (Svix's `messageDestinations`).
public struct ApplicationUsage: Sendable, Hashable {
    public var applicationID: String
    public var applicationUID: String?
    public var messageDestinations: Int

    public init(applicationID: String, applicationUID: String?, messageDestinations: Int) {
        self.applicationID = applicationID
        self.applicationUID = applicationUID
        self.messageDestinations = messageDestinations
    }
}

/// An API token as stored: only its hash, never the token.
public struct APIToken: Sendable, Hashable {
    public var id: String
    public var name: String
    public var hash: String
    public var createdAt: Date
    public var revokedAt: Date?
    /// The one application the token opens, and what it may do there; nil for a token with full access.
    public var scope: ApplicationTokenScope?
    /// When the token stops working; nil for never.
    public var expiresAt: Date?

    public init(
        id: String,
        name: String,
        hash: String,
        createdAt: Date,
        revokedAt: Date? = nil,
        scope: ApplicationTokenScope? = nil,
        expiresAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.scope = scope
        self.expiresAt = expiresAt
    }

    /// Whether the token authenticates at `now`: not revoked and not expired.
    public func isLive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}

/// A response kept for an idempotency key, replayed to repeats of the request.
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]

    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// What claiming an idempotency key found.
public enum IdempotencyClaim: Sendable, Hashable {
    /// The caller owns the key now and must complete or release it.
    case acquired
    /// Another request with this key is still running.
    case inProgress
    /// A request with this key already finished; replay its response.
    case completed(StoredResponse)
}
