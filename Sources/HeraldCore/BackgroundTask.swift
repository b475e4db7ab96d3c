import Foundation

/// Bulk work that an API call started: recovering or replaying an endpoint's messages, purging an application's
/// payloads, counting usage. As in Svix, it runs in the background and clients poll it by id; a task that ends
/// within a moment is answered finished.
public struct BackgroundTask: Sendable, Hashable {
    /// What the task did, in Svix's names.
    public enum Kind: String, Sendable, CaseIterable {
        case endpointRecover = "endpoint.recover"
        case endpointReplay = "endpoint.replay"
        case endpointBulkReplay = "endpoint.bulk-replay"
        case applicationPurgeContent = "application.purge_content"
        case applicationStats = "application.stats"

        /// What ``BackgroundTask/count`` counts, as the member of Svix's `data`.
        public var countName: String {
            switch self {
            case .applicationPurgeContent: "messagesPurged"
            case .applicationStats: "messageDestinations"
            default: "messagesSent"
            }
        }
    }

    /// Where the task stands, in Svix's names. A running task whose process stopped is marked failed.
    public enum Status: String, Sendable, CaseIterable {
        case running
        case finished
        case failed
    }

    public var id: String
    public var kind: Kind
    public var status: Status
    /// How many messages the task put on their way to the endpoint, or purged (see ``Kind/countName``).
    public var count: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The task's result beyond its count, as Svix's `data` (usage statistics); nil for `{countName: count}`.
    public var details: JSONValue?

    /// Svix's `data`: ``details``, or the count under ``Kind/countName``.
    public var data: JSONValue {
        details ?? .object([kind.countName: .integer(Int64(count))])
    }

    public init(
        id: String, kind: Kind, status: Status, count: Int, createdAt: Date, updatedAt: Date, details: JSONValue? = nil
    ) {
        self.id = id
        self.kind = kind
        self.status = status
        self.count = count
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.details = details
    }

    /// A task of `kind` that finished at `now` having handled `count` messages, with a new id.
    public static func finished(_ kind: Kind, count: Int, now: Date, details: JSONValue? = nil) -> BackgroundTask {
        var task = running(kind, now: now)
        task.status = .finished
        task.count = count
        task.details = details
        return task
    }

    /// A task of `kind` that starts at `now`, with a new id.
    public static func running(_ kind: Kind, now: Date) -> BackgroundTask {
        BackgroundTask(
            id: Identifier.make(prefix: Identifier.backgroundTaskPrefix, milliseconds: now.millisecondsSince1970),
            kind: kind, status: .running, count: 0, createdAt: now, updatedAt: now)
    }
}
