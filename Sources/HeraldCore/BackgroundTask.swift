import Foundation

/// Bulk work that an API call did: recovering or replaying an endpoint's messages, or purging an application's
/// payloads. Svix runs these in the background and clients poll them by id; Herald finishes them before it answers
/// and keeps the record, so that polling and listing work the same.
public struct BackgroundTask: Sendable, Hashable {
    /// What the task did, in Svix's names.
    public enum Kind: String, Sendable, CaseIterable {
        case endpointRecover = "endpoint.recover"
        case endpointReplay = "endpoint.replay"
        case endpointBulkReplay = "endpoint.bulk-replay"
        case applicationPurgeContent = "application.purge_content"

        /// What ``BackgroundTask/count`` counts, as the member of Svix's `data`.
        public var countName: String {
            self == .applicationPurgeContent ? "messagesPurged" : "messagesSent"
        }
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
    /// How many messages the task put on their way to the endpoint, or purged (see ``Kind/countName``).
    public var count: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, kind: Kind, status: Status, count: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.kind = kind
        self.status = status
        self.count = count
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A task of `kind` that finished at `now` having handled `count` messages, with a new id.
    public static func finished(_ kind: Kind, count: Int, now: Date) -> BackgroundTask {
        BackgroundTask(
            id: Identifier.make(prefix: Identifier.backgroundTaskPrefix, milliseconds: now.millisecondsSince1970),
            kind: kind,
            status: .finished,
            count: count,
            createdAt: now,
            updatedAt: now
        )
    }
}
