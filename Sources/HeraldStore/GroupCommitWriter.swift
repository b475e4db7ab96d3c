import Dispatch
import GRDB
import HeraldCore
import Synchronization

/// Runs write jobs in shared transactions: while one transaction commits, new jobs queue up and the next
/// transaction takes them all, so many concurrent writers share one fsync (group commit).
///
/// The transactions run on a serial dispatch queue of their own, started when a job finds it idle and stopping
/// when nothing is left. A caller waits on one continuation and is resumed straight from there: no actor and no
/// hand-off of leadership between callers, each of which cost every job its own round of thread hops.
///
/// One job's error undoes only that job. A batch first runs its jobs straight in the transaction, as almost every
/// batch succeeds whole; a savepoint per job would copy every page a job touches into the savepoint journal (8% of
/// the CPU of a message create). When a job fails, that transaction is rolled back and the batch runs again with
/// each job in its own savepoint. A batch of one job needs no second run: its failure undoes exactly that job.
final class GroupCommitWriter: Sendable {
    /// A unit of work and the way to tell its caller that the transaction failed.
    struct Job: Sendable {
        let run: @Sendable (WriteContext) -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Waiter {
        let job: Job
        let wake: CheckedContinuation<Void, Never>
    }

    private struct State {
        var queue: [Waiter] = []
        var draining = false
    }

    private let writer: DatabasePool
    private let maximumBatch: Int
    private let state = Mutex(State())
    /// Lookups kept from one transaction to the next (touched only on `transactions`).
    private let lookups = WriteLookups()
    private let transactions = DispatchQueue(label: "herald.sqlite.group-commit")

    init(writer: DatabasePool, maximumBatch: Int = 1024) {
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    /// Returns once `job` has run and its transaction committed (or failed, reported through `job.fail`).
    func perform(_ job: Job) async {
        await withCheckedContinuation { continuation in
            let start = state.withLock { state in
                state.queue.append(Waiter(job: job, wake: continuation))
                defer { state.draining = true }
                return !state.draining
            }
            if start { transactions.async { self.drain() } }
        }
    }

    /// Commits batches until the queue is empty (on `transactions`).
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let batch = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            if !commit(batch, isolated: false), batch.count > 1 {
                _ = commit(batch, isolated: true)
            }
            for waiter in batch { waiter.wake.resume() }
        }
    }

    /// Runs `batch` in one transaction, each job in a savepoint of its own when `isolated`, else straight. Returns
    /// false when a job failed without a savepoint: the transaction was then rolled back at that job, and the jobs
    /// after it did not run.
    private func commit(_ batch: [Waiter], isolated: Bool) -> Bool {
        do {
            try writer.write { db in
                let context = try WriteContext(db, lookups: lookups, isolated: isolated)
                for waiter in batch {
                    waiter.job.run(context)
                    if context.jobFailed { throw JobFailed() }
                }
            }
            return true
        } catch {
            // What this transaction looked up may include what it wrote, and that is gone.
            lookups.removeAll()
            if error is JobFailed { return false }
            for waiter in batch { waiter.job.fail(error) }
            return true
        }
    }
}

/// Rolls back a transaction run without savepoints in which a job failed.
private struct JobFailed: Error {}

/// Lookups the writer keeps across group transactions, so message fan-out does not read (and decrypt) an
/// application's endpoints for every batch. Dropped when a job changes applications or endpoints
/// (``WriteContext/invalidate()``), when a transaction or a job fails, and when another process wrote the
/// database (its `data_version` moved). Only the writer's serial queue touches it.
final class WriteLookups: @unchecked Sendable {
    /// Endpoints by application id, for message fan-out.
    var endpointsByApplication: [String: [Endpoint]] = [:]
    /// Application ids by id or uid.
    var applicationIDs: [String: String] = [:]
    /// The writer connection's `PRAGMA data_version` when these were valid: it changes when another connection
    /// (another process; this one writes only through the writer) commits.
    var dataVersion: Int?

    func removeAll() {
        endpointsByApplication.removeAll()
        applicationIDs.removeAll()
    }
}

/// The database inside a group transaction, plus the writer's lookups shared by its jobs.
final class WriteContext {
    let db: Database
    private let lookups: WriteLookups
    /// Whether each job runs in a savepoint of its own; if not, a job's failure must roll back the transaction.
    private let isolated: Bool
    /// Set when a job failed in a transaction that is not isolated.
    private(set) var jobFailed = false

    var endpointsByApplication: [String: [Endpoint]] {
        get { lookups.endpointsByApplication }
        set { lookups.endpointsByApplication = newValue }
    }

    var applicationIDs: [String: String] {
        get { lookups.applicationIDs }
        set { lookups.applicationIDs = newValue }
    }

    /// Opens the transaction's context; forgets the lookups when another process wrote since they were made.
    init(_ db: Database, lookups: WriteLookups, isolated: Bool) throws {
        self.db = db
        self.lookups = lookups
        self.isolated = isolated
        let version = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
        if version != lookups.dataVersion {
            lookups.removeAll()
            lookups.dataVersion = version
        }
    }

    /// Runs a job's `body` so that its failure undoes only its own changes: in a savepoint when the transaction is
    /// isolated, else straight, marking the transaction for rollback when it fails. The savepoint statements are
    /// prepared once per connection (GRDB's `inSavepoint` compiles them on every call).
    func runJob<T>(_ body: () throws -> T) -> Result<T, any Error> {
        guard isolated else {
            let result = Result { try body() }
            if case .failure = result { jobFailed = true }
            return result
        }
        do {
            try db.cachedStatement(sql: "SAVEPOINT job").execute()
        } catch {
            return .failure(error)
        }
        do {
            let value = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            return .success(value)
        } catch {
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            // The job may have looked up what it had written before failing.
            invalidate()
            return .failure(error)
        }
    }

    /// Forgets the lookups after a job changed applications or endpoints.
    func invalidate() {
        lookups.removeAll()
    }
}
