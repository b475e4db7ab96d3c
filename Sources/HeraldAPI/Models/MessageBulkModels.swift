import HeraldCore

/// Svix's `MessagePrecheckIn`: a message that might be sent, to learn whether any endpoint would receive it.
struct MessagePrecheckIn: Decodable, Sendable {
    var eventType: String
    var channels: [String]?

    func validate() throws {
        try Validate.identifier(eventType, ["eventType"])
        try Validate.channels(channels)
    }
}

/// Svix's `MessagePrecheckOut`.
struct MessagePrecheckOut: Encodable, Sendable {
    /// Whether an enabled endpoint of the application would be sent such a message.
    var active: Bool
}

/// Svix's `BulkExpungeContentsIn`: messages (ids or `eventId`s) whose payloads to erase.
struct BulkExpungeContentsIn: Decodable, Sendable {
    /// How many messages one request may name.
    static let maximumCount = 250

    var ids: [String]?

    func validate() throws {
        guard (ids?.count ?? 0) <= Self.maximumCount else {
            throw ValidationError(["body", "ids"], "At most \(Self.maximumCount) messages per request")
        }
    }
}

/// Svix's `BulkExpungeContentsOut`: for each id given, `expunged` or `not-found`.
struct BulkExpungeContentsOut: Encodable, Sendable {
    var results: [String: String]
}
