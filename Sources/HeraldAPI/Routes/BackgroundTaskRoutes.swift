import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// The tasks that recover, replay and content purges ran, for clients that poll them by id (as they do with Svix)
/// or list them.
struct BackgroundTaskRoutes {
    let store: any Store

    func register(on router: Router<HeraldRequestContext>) {
        router.get("/api/v1/background-task") { request, _ in
            let query = try Query(request)
            let filter = BackgroundTaskFilter(
                status: try query.choice("status", BackgroundTask.Status.self),
                kind: try query.choice("task", BackgroundTask.Kind.self)
            )
            let page = try await store.backgroundTasks(filter: filter, query.page(defaultOrder: .descending))
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(BackgroundTaskOut($0)) }
        }
        router.get("/api/v1/background-task/{task_id}") { request, context in
            try JSONCoding.response(BackgroundTaskOut(try await store.backgroundTask(request.pathParameter("task_id", context))))
        }
    }

}

/// Starts the API's bulk tasks: through the process's ``BackgroundTaskRunner`` when it has one (`herald serve`),
/// otherwise by running the work before answering (a router without services, as in tests).
struct BackgroundTaskStarter: Sendable {
    let runner: BackgroundTaskRunner?
    let store: any Store
    let events: OperationalEvents?

    /// Runs `work` as a task of `kind`; `applicationID` ("" for none) is the application its
    /// `background_task.finished` event names. Returns the task as it stands (see ``BackgroundTaskRunner``).
    func start(
        _ kind: BackgroundTask.Kind,
        applicationID: String,
        work: @escaping @Sendable () async throws -> (count: Int, details: JSONValue?)
    ) async throws -> BackgroundTask {
        if let runner { return try await runner.start(kind, applicationID: applicationID, work: work) }
        let (count, details) = try await work()
        let task = BackgroundTask.finished(kind, count: count, now: Date(), details: details)
        try await store.insertBackgroundTask(task)
        await events?.publish([.backgroundTaskFinished(task, applicationID: applicationID)])
        return task
    }

    /// As ``start(_:applicationID:work:)``, answering 202 with the task.
    func respond(
        _ kind: BackgroundTask.Kind,
        applicationID: String,
        work: @escaping @Sendable () async throws -> Int
    ) async throws -> Response {
        let task = try await start(kind, applicationID: applicationID) { (try await work(), nil) }
        return try JSONCoding.response(BackgroundTaskOut(task), status: .accepted)
    }
}
