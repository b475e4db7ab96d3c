import HeraldCore
import Logging
import PostgresNIO
import Synchronization

/// Runs write jobs in shared transactions, like the SQLite store's group-commit writer: while transactions commit,
/// new jobs queue up, and the next transaction takes them all, so concurrent writers share one commit.
///
/// Up to ``maximumConcurrentBatches`` transactions run at once (PostgreSQL takes concurrent writers; a network
/// round trip per statement would make a single batch the bottleneck). No background task: a caller that finds a
/// batch slot free leads its own job; a leader that finishes hands the queued jobs to the first of them, which
/// leads the next batch. `runBatch` writes a whole batch at once and reports each job's own result; `fail` tells
/// a job that its transaction did not commit.
final class PostgresGroupCommitter<Job: Sendable>: Sendable {
    typealias RunBatch = @Sendable ([Job], PostgresWriteContext) async throws -> Void

    private struct Waiter: Sendable {
        let job: Job
        var wake: CheckedContinuation<Turn, Never>?
    }

    private enum Turn: Sendable {
        /// The job ran in someone else's batch.
        case done
        /// Lead this batch (the woken caller's job is its first).
        case lead([Waiter])
    }

    private struct State {
        var queue: [Waiter] = []
        var running = 0
    }

    let maximumConcurrentBatches: Int
    let maximumBatch: Int
    private let client: PostgresClient
    private let logger: Logger
    private let runBatch: RunBatch
    private let fail: @Sendable (Job, any Error) -> Void
    private let state = Mutex(State())

    init(
        client: PostgresClient,
        logger: Logger,
        maximumConcurrentBatches: Int = 4,
        maximumBatch: Int = 1024,
        runBatch: @escaping RunBatch,
        fail: @escaping @Sendable (Job, any Error) -> Void
    ) {
        self.client = client
        self.logger = logger
        self.maximumConcurrentBatches = maximumConcurrentBatches
        self.maximumBatch = maximumBatch
        self.runBatch = runBatch
        self.fail = fail
    }

    /// Returns once `job` has run and its transaction committed (or failed, reported through `job.fail`).
    func perform(_ job: Job) async {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leadsNow = state.withLock { state in
                guard state.running < maximumConcurrentBatches else {
                    state.queue.append(Waiter(job: job, wake: continuation))
                    return false
                }
                state.running += 1
                return true
            }
            if leadsNow { continuation.resume(returning: .lead([Waiter(job: job, wake: nil)])) }
        }
        guard case .lead(let batch) = turn else { return }
        await run(batch.map(\.job))
        for waiter in batch { waiter.wake?.resume(returning: .done) }
        let next: [Waiter]? = state.withLock { state in
            guard !state.queue.isEmpty else {
                state.running -= 1
                return nil
            }
            let next = Array(state.queue.prefix(maximumBatch))
            state.queue.removeFirst(next.count)
            return next
        }
        if var next {
            let head = next[0].wake
            next[0].wake = nil
            head?.resume(returning: .lead(next))
        }
    }

    /// Runs `jobs` in one transaction; runs it again after a deadlock, and fails every job if it cannot commit.
    private func run(_ jobs: [Job]) async {
        var attempt = 0
        while true {
            do {
                try await client.withConnection { connection in
                    try await connection.transaction(logger: logger) { connection in
                        let context = PostgresWriteContext(connection: connection, logger: logger)
                        try await runBatch(jobs, context)
                        if context.notifiesWork {
                            try await connection.rows("SELECT pg_notify(\(PostgresStore.workChannel), '')", logger: logger)
                        }
                    }
                }
                return
            } catch  where PostgresErrorCode.isRetryable(error) && attempt < 2 {
                attempt += 1
            } catch {
                for job in jobs { fail(job, error) }
                return
            }
        }
    }
}

/// The connection inside a group transaction, plus lookups shared by the jobs of that transaction.
///
/// `@unchecked Sendable`: the jobs of a batch use it one after another, in the leader's task.
final class PostgresWriteContext: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Endpoints by application id, read once per transaction for message fan-out.
    var endpointsByApplication: [String: [Endpoint]] = [:]
    /// Who owns each endpoint read for fan-out, and until when (milliseconds); kept current as jobs claim them.
    var endpointOwners: [String: (owner: String?, expiresAt: Int64?)] = [:]
    /// Application ids by id or uid.
    var applicationIDs: [String: String] = [:]
    /// Set by jobs that created due work: the transaction sends `NOTIFY herald_work` as it commits.
    var notifiesWork = false

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }
}
