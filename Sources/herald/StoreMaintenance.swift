import HeraldStore
import Logging
import ServiceLifecycle

/// Background upkeep of the embedded store (WAL checkpoints) as a service of the process.
struct StoreMaintenance: Service {
    let checkpointer: SQLiteCheckpointer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await checkpointer.run()
        }
    }
}
