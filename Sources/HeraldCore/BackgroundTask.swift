import Foundation

/// Bulk work that an API call did to an endpoint's deliveries: a recover or a replay. Svix runs these in the
/// background and clients poll them by id; Herald finishes them before it answers and keeps the record, so that
/// polling and listing work the same.
public struct BackgroundTask: Sendable, Hashable {
    /// What the task did, in Svix's names.
    public enum Kind: String, Sendable, CaseIterable {
        case endpointRecover = "endpoint.recover"
        case endpointReplay = "endpoint.replay"
    }

    /// Where the task stands, in Svix's names. Herald records only tasks that ended.
    public enum Status: String, Sendable, CaseIterable {
        case running
        case finished
        case failed
    }

    public var id: String
    public var kind: Kind
    public var status: Status
    /// How many messages the task put on their way to the endpoint.
    public var messagesSent: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, kind: Kind, status: Status, messagesSent: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.kind = kind
        self.status = status
        self.messagesSent = messagesSent
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A task of `kind` that finished at `now` having sent `messagesSent` messages, with a new id.
    public static func finished(_ kind: Kind, messagesSent: Int, now: Date) -> BackgroundTask {
        BackgroundTask(
            id: Identifier.make(prefix: Identifier.backgroundTaskPrefix, milliseconds: now.millisecondsSince1970),
            kind: kind,
            status: .finished,
            messagesSent: messagesSent,
            createdAt: now,
            updatedAt: now
        )
    }
}
