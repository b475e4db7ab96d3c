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
                    let context = WriteContext(db)
                    for waiter in batch { waiter.job.run(context) }
                }
            } catch {
                for waiter in batch { waiter.job.fail(error) }
            }
            for waiter in batch { waiter.wake.resume() }
        }
    }
}

/// The database inside a group transaction, plus lookups shared by the jobs of that transaction.
final class WriteContext {
    let db: Database
    /// Endpoints by application id, read once per transaction for message fan-out.
    var endpointsByApplication: [String: [Endpoint]] = [:]
    /// Application ids by id or uid.
    var applicationIDs: [String: String] = [:]

    init(_ db: Database) {
        self.db = db
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
            return .failure(error)
        }
    }

    /// Forgets cached lookups after a job changed applications or endpoints.
    func invalidate() {
        endpointsByApplication.removeAll()
        applicationIDs.removeAll()
    }
}
