import GRDB
import HeraldCore

/// Runs write jobs in shared transactions: while one transaction commits, new jobs queue up and the next
/// transaction takes them all, so many concurrent writers share one fsync (group commit).
///
/// No background task: the caller whose job finds the writer idle leads; after its batch commits it hands
/// leadership to the first waiting caller, so no single request is kept busy serving others.
/// Each job runs in its own savepoint: one job's error undoes only that job.
actor GroupCommitWriter {
    /// A unit of work and the way to tell its caller that the transaction failed.
    struct Job: Sendable {
        let run: @Sendable (WriteContext) -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Waiter {
        let job: Job
        var wake: CheckedContinuation<Bool, Never>?
    }

    private let writer: DatabasePool
    private let maximumBatch: Int
    private var queue: [Waiter] = []
    private var leading = false

    init(writer: DatabasePool, maximumBatch: Int = 1024) {
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    /// Returns once `job` has run and its transaction committed (or failed, reported through `job.fail`).
    func perform(_ job: Job) async {
        if leading {
            let lead = await withCheckedContinuation { continuation in
                queue.append(Waiter(job: job, wake: continuation))
            }
            guard lead else { return }
        } else {
            leading = true
            queue.append(Waiter(job: job, wake: nil))
        }
        // This caller leads: its own job is at the front of the queue.
        let batch = queue.prefix(maximumBatch)
        queue.removeFirst(batch.count)
        let jobs = batch.map(\.job)
        do {
            try await writer.write { db in
                let context = WriteContext(db)
                for job in jobs { job.run(context) }
            }
        } catch {
            for job in jobs { job.fail(error) }
        }
        for waiter in batch { waiter.wake?.resume(returning: false) }
        if queue.isEmpty {
            leading = false
        } else {
            let next = queue[0].wake
            queue[0].wake = nil
            next?.resume(returning: true)
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
