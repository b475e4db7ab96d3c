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

    /// Records a task of `application` (id or uid) that finished at `now` having handled `count` messages, so that
    /// clients polling it by id find it, publishes `background_task.finished`, and answers 202 with it.
    static func finished(
        _ kind: BackgroundTask.Kind, count: Int, now: Date, application: String, store: any Store,
        events: OperationalEvents?
    ) async throws -> Response {
        let task = BackgroundTask.finished(kind, count: count, now: now)
        try await store.insertBackgroundTask(task)
        // The application was there a moment ago; deleted meanwhile, nobody needs the event.
        if let events, let applicationID = try? await store.application(application).id {
            await events.publish([.backgroundTaskFinished(task, applicationID: applicationID)])
        }
        return try JSONCoding.response(BackgroundTaskOut(task), status: .accepted)
    }
}
