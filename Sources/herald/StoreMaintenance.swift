import HeraldStore
import Logging
import ServiceLifecycle

/// Background upkeep of the embedded store (WAL checkpoints) as a service of the process.
struct StoreMaintenance: Service, CustomStringConvertible {
    /// Its name in the service lifecycle's logs (the default would print every stored property).
    var description: String { "StoreMaintenance" }

    let checkpointer: SQLiteCheckpointer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await checkpointer.run()
        }
    }
}
