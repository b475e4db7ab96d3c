import Foundation
import PostgresNIO

extension PostgresStore {
    /// Calls `wake` whenever any instance commits new due work (`NOTIFY herald_work`), until the task is cancelled.
    ///
    /// Notified: messages created without an ingest hand-off (with one, the creating instance delivers them itself),
    /// requeued failed deliveries, released leases, and re-enabled endpoints. `wake` is also called once each time
    /// listening starts (on the first call and after a lost connection), since notifications sent while not
    /// listening are lost. Holds one pooled connection while it runs; run it as part of a `Service`:
    ///
    /// ```swift
    /// try await store.listenForWork { scheduler.wake() }
    /// ```
    public func listenForWork(retryDelay: Duration = .seconds(1), _ wake: @escaping @Sendable () async -> Void) async throws {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.workChannel) { notifications in
                        await wake()
                        for try await _ in notifications { await wake() }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                guard !Task.isCancelled else { return }
                logger.warning("Listening for work notifications failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: retryDelay)
        }
    }
}
