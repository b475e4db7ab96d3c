import Foundation

/// A subscriber URL of an application, with the filters that decide which messages it receives.
public struct Endpoint: Sendable, Hashable, Codable {
    public var id: String
    public var applicationID: String
    public var uid: String?
    public var url: String
    public var description: String
    public var disabled: Bool
    /// Event types this endpoint receives; `nil` means every type.
    public var eventTypes: [String]?
    /// Channels this endpoint listens to; `nil` means all messages, whatever their channels.
    public var channels: [String]?
    public var throttleRate: Int?
    public var metadata: [String: String]
    /// Custom headers sent with every delivery.
    public var headers: [String: String]
    public var secrets: EndpointSecrets
    /// Herald extension: this endpoint's own delays between attempts (seconds), overriding the server's schedule.
    public var retrySchedule: [TimeInterval]?
    /// Herald extension: deliver one at a time, in message order.
    public var fifo: Bool
    /// The circuit breaker's state as last recorded by the scheduler (`closed`, `open`, `halfOpen`); read-only.
    public var circuitState: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        applicationID: String,
        uid: String? = nil,
        url: String,
        description: String = "",
        disabled: Bool = false,
        eventTypes: [String]? = nil,
        channels: [String]? = nil,
        throttleRate: Int? = nil,
        metadata: [String: String] = [:],
        headers: [String: String] = [:],
        secrets: EndpointSecrets,
        retrySchedule: [TimeInterval]? = nil,
        fifo: Bool = false,
        circuitState: String = "closed",
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.applicationID = applicationID
        self.uid = uid
        self.url = url
        self.description = description
        self.disabled = disabled
        self.eventTypes = eventTypes
        self.channels = channels
        self.throttleRate = throttleRate
        self.metadata = metadata
        self.headers = headers
        self.secrets = secrets
        self.retrySchedule = retrySchedule
        self.fifo = fifo
        self.circuitState = circuitState
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether a message of `eventType` sent on `messageChannels` is delivered to this endpoint.
    ///
    /// A disabled endpoint receives nothing. An endpoint with channels receives only messages sharing one of them.
    public func accepts(eventType: String, messageChannels: [String]?) -> Bool {
        !disabled
            && SubscriptionFilter.passes(
                eventType: eventType, messageChannels: messageChannels, eventTypes: eventTypes, channels: channels)
    }
}

extension Endpoint {
    /// Whether a custom header name is one Herald sets itself (or that governs the connection), which an endpoint
    /// may not set: the API refuses it, and a delivery leaves it out. Case-insensitive.
    public static func isReservedHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return reservedHeaders.contains(lower) || lower.hasPrefix("webhook-") || lower.hasPrefix("svix-")
    }

    private static let reservedHeaders: Set<String> = [
        "host", "content-length", "content-type", "user-agent", "connection", "transfer-encoding", "te", "upgrade",
        "keep-alive", "proxy-authorization", "proxy-connection", "trailer",
    ]
}
