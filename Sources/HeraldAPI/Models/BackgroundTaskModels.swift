import Foundation
import HeraldCore

/// Svix's `BackgroundTaskOut` (also its `RecoverOut`, `ReplayOut` and `ExpungeAllContentsOut`, which lack `data`).
struct BackgroundTaskOut: Encodable, Sendable {
    var id: String
    var status: String
    var task: String
    /// What the task did: `messagesSent` (recover, replay) or `messagesPurged` (purge of an application's content).
    var data: [String: Int]
    var updatedAt: Date

    init(_ task: BackgroundTask) {
        id = task.id
        status = task.status.rawValue
        self.task = task.kind.rawValue
        data = [task.kind.countName: task.count]
        updatedAt = task.updatedAt
    }
}
