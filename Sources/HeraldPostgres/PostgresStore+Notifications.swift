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
        try await listen(on: Self.workChannel, retryDelay: retryDelay) { _ in await wake() }
    }

    /// Calls `changed` with a token's id whenever any process commits a change to that API token (revoked,
    /// expired, deleted, given other feature flags), until the task is cancelled; and with nil each time listening
    /// starts, for the changes it may have missed. Token caches use it to forget a token everywhere at once.
    public func listenForTokenChanges(
        retryDelay: Duration = .seconds(1), _ changed: @escaping @Sendable (_ tokenID: String?) async -> Void
    ) async throws {
        try await listen(on: Self.tokenChannel, retryDelay: retryDelay, changed)
    }

    /// Listens on `channel` over one pooled connection, calling `received` with each notification's payload, and
    /// with nil whenever listening (re)starts; reconnects after `retryDelay` when the connection is lost.
    private func listen(
        on channel: String, retryDelay: Duration, _ received: @escaping @Sendable (String?) async -> Void
    ) async throws {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        await received(nil)
                        for try await notification in notifications { await received(notification.payload) }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                guard !Task.isCancelled else { return }
                logger.warning(
                    "Listening for notifications failed; retrying", metadata: ["channel": "\(channel)", "error": "\(error)"])
            }
            try? await Task.sleep(for: retryDelay)
        }
    }
}
