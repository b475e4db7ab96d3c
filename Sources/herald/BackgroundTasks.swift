import HeraldAPI
import ServiceLifecycle

/// The API's background tasks as a service of the process: on graceful shutdown it takes no new task and lets
/// those started run to their end.
struct BackgroundTasks: Service, CustomStringConvertible {
    var description: String { "BackgroundTasks" }

    let runner: BackgroundTaskRunner

    func run() async throws {
        await withGracefulShutdownHandler {
            await runner.run()
        } onGracefulShutdown: {
            runner.finish()
        }
    }
}
