import HeraldDelivery
import HeraldPostgres
import ServiceLifecycle

/// Wakes the delivery engine when another instance commits due work on the shared PostgreSQL (LISTEN/NOTIFY), so a
/// message accepted by one instance is delivered by another within milliseconds rather than at its next poll.
struct WorkListener: Service, CustomStringConvertible {
    var description: String { "WorkListener" }

    let store: PostgresStore
    let scheduler: DeliveryScheduler

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await store.listenForWork { [scheduler] in scheduler.wake() }
        }
    }
}
