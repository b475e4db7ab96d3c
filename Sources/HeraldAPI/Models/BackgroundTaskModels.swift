import Foundation
import HeraldCore

/// Svix's `BackgroundTaskOut` (also its `RecoverOut`, `ReplayOut` and `ExpungeAllContentsOut`, which lack `data`).
struct BackgroundTaskOut: Encodable, Sendable {
    var id: String
    var status: String
    var task: String
    /// What the task did: `messagesSent` (recover, replay), `messagesPurged` (purge of an application's content),
    /// or `appStats` (usage statistics).
    var data: JSONValue
    var updatedAt: Date

    init(_ task: BackgroundTask) {
        id = task.id
        status = task.status.rawValue
        self.task = task.kind.rawValue
        data = task.data
        updatedAt = task.updatedAt
    }
}
