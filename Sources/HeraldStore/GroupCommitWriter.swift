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
/// Each job runs in its own savepoint: one job's error undoes only that job.
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
            do {
                try writer.write { db in
                    let context = try WriteContext(db, lookups: lookups)
                    for waiter in batch { waiter.job.run(context) }
                }
            } catch {
                // What this transaction looked up may include what it wrote, and that is gone.
                lookups.removeAll()
                for waiter in batch { waiter.job.fail(error) }
            }
            for waiter in batch { waiter.wake.resume() }
        }
    }
}

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

    var endpointsByApplication: [String: [Endpoint]] {
        get { lookups.endpointsByApplication }
        set { lookups.endpointsByApplication = newValue }
    }

    var applicationIDs: [String: String] {
        get { lookups.applicationIDs }
        set { lookups.applicationIDs = newValue }
    }

    /// Opens the transaction's context; forgets the lookups when another process wrote since they were made.
    init(_ db: Database, lookups: WriteLookups) throws {
        self.db = db
        self.lookups = lookups
        let version = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
        if version != lookups.dataVersion {
            lookups.removeAll()
            lookups.dataVersion = version
        }
    }

    /// Runs `body` in a savepoint, so that its failure undoes only its own changes. The savepoint statements are
    /// prepared once per connection (GRDB's `inSavepoint` compiles them on every call).
    func inSavepoint<T>(_ body: () throws -> T) -> Result<T, any Error> {
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
