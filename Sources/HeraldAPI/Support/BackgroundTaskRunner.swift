import Foundation
import HeraldCore
import HeraldStore
import Logging
import Synchronization

/// Runs the API's bulk tasks (recover, replays, content purges, usage statistics) apart from the requests that
/// start them, so that a task over millions of messages is not cut short by a client's timeout. The request waits
/// up to ``answerWithin`` and answers the finished task, or else the running one, which the client polls by id.
///
/// At most ``maximumConcurrentTasks`` run at once; the others wait their turn, reported as running. The record of
/// every task this runner holds, waiting or running, is touched every ``heartbeat``; one left untouched for
/// ``abandonAfter`` (its server stopped) is marked failed by whichever server sweeps first. Run ``run()`` as a
/// service of the process and call ``finish()`` on graceful shutdown: tasks already accepted then run to their end.
public final class BackgroundTaskRunner: Sendable {
    /// How many tasks run at once: each writes in chunks on the store's writer, beside ingest and delivery.
    public static let maximumConcurrentTasks = 4

    /// One started task and the work that completes it: how many messages it handled, and any data beyond that.
    struct Job: Sendable {
        var task: BackgroundTask
        /// The application the task's `background_task.finished` event names ("" for none).
        var applicationID: String
        var work: @Sendable () async throws -> (count: Int, details: JSONValue?)
        var done: AsyncStream<BackgroundTask>.Continuation
    }

    let store: any Store
    let events: OperationalEvents?
    let logger: Logger
    let answerWithin: Duration
    let heartbeat: Duration
    let abandonAfter: TimeInterval
    private let jobs: AsyncStream<Job>
    private let queue: AsyncStream<Job>.Continuation
    /// The ids of the tasks accepted and not yet ended, for the heartbeat.
    private let held = Mutex<Set<String>>([])

    public init(
        store: any Store,
        events: OperationalEvents?,
        logger: Logger,
        answerWithin: Duration = .seconds(2),
        heartbeat: Duration = .seconds(30),
        abandonAfter: TimeInterval = 300
    ) {
        self.store = store
        self.events = events
        self.logger = logger
        self.answerWithin = answerWithin
        self.heartbeat = heartbeat
        self.abandonAfter = abandonAfter
        (jobs, queue) = AsyncStream.makeStream(of: Job.self)
    }

    /// Runs the tasks started through it until ``finish()``, then waits for those accepted; meanwhile, every
    /// ``heartbeat``, touches the tasks it holds and sweeps abandoned ones.
    public func run() async {
        await withTaskGroup(of: Void.self) { upkeep in
            upkeep.addTask { await self.keepTasksAlive() }
            await withTaskGroup(of: Void.self) { running in
                var count = 0
                for await job in jobs {
                    if count == Self.maximumConcurrentTasks {
                        await running.next()
                        count -= 1
                    }
                    running.addTask { await self.execute(job) }
                    count += 1
                }
            }
            upkeep.cancelAll()
        }
    }

    /// Takes no more tasks: ``run()`` returns once the running ones end.
    public func finish() {
        queue.finish()
    }

    /// Records a running task of `kind`, hands `work` to ``run()``, and returns the task as it stands after at most
    /// ``answerWithin``: finished or failed if it ended by then, running otherwise.
    func start(
        _ kind: BackgroundTask.Kind,
        applicationID: String,
        work: @escaping @Sendable () async throws -> (count: Int, details: JSONValue?)
    ) async throws -> BackgroundTask {
        var task = BackgroundTask.running(kind, now: Date())
        try await store.insertBackgroundTask(task)
        let (result, done) = AsyncStream.makeStream(of: BackgroundTask.self)
        held.withLock { _ = $0.insert(task.id) }
        guard case .enqueued = queue.yield(Job(task: task, applicationID: applicationID, work: work, done: done)) else {
            held.withLock { _ = $0.remove(task.id) }
            task.status = .failed
            task.updatedAt = Date()
            try await store.updateBackgroundTask(task)
            throw APIError(status: .serviceUnavailable, code: "shutting_down", detail: "The server is shutting down")
        }
        return await withTaskGroup(of: BackgroundTask?.self) { group in
            group.addTask { await result.first { _ in true } }
            group.addTask { [answerWithin] in
                try? await Task.sleep(for: answerWithin)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? task
        }
    }

    private func execute(_ job: Job) async {
        var task = job.task
        do {
            let (count, details) = try await job.work()
            (task.status, task.count, task.details) = (.finished, count, details)
        } catch {
            task.status = .failed
            logger.error(
                "Background task failed", metadata: ["task": "\(task.id)", "kind": "\(task.kind.rawValue)", "error": "\(error)"])
        }
        task.updatedAt = Date()
        do {
            try await store.updateBackgroundTask(task)
        } catch {
            logger.error("Could not record a background task's end", metadata: ["task": "\(task.id)", "error": "\(error)"])
        }
        await events?.publish([.backgroundTaskFinished(task, applicationID: job.applicationID)])
        held.withLock { _ = $0.remove(task.id) }
        job.done.yield(task)
        job.done.finish()
    }

    /// Every ``heartbeat``: touches the tasks this runner holds, so no sweep takes them for abandoned, and marks
    /// failed those no server has touched for ``abandonAfter``.
    private func keepTasksAlive() async {
        while (try? await Task.sleep(for: heartbeat)) != nil {
            let now = Date()
            do {
                try await store.touchBackgroundTasks(held.withLock { Array($0) }, now: now)
                let failed = try await store.failAbandonedBackgroundTasks(
                    updatedBefore: now.addingTimeInterval(-abandonAfter), now: now)
                if failed > 0 { logger.warning("Marked abandoned background tasks failed", metadata: ["count": "\(failed)"]) }
            } catch {
                logger.warning("Could not keep background tasks' records", metadata: ["error": "\(error)"])
            }
        }
    }
}
