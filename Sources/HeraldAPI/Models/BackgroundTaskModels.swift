import Foundation
import HeraldCore

/// Svix's `BackgroundTaskOut` (also its `RecoverOut` and `ReplayOut`, which lack `data`).
struct BackgroundTaskOut: Encodable, Sendable {
    /// What the task did: how many messages it put on their way to the endpoint.
    struct Data: Encodable, Sendable {
        var messagesSent: Int
    }

    var id: String
    var status: String
    var task: String
    var data: Data
    var updatedAt: Date

    init(_ task: BackgroundTask) {
        id = task.id
        status = task.status.rawValue
        self.task = task.kind.rawValue
        data = Data(messagesSent: task.messagesSent)
        updatedAt = task.updatedAt
    }
}
