import Foundation
import GRDB
import Logging

/// Copies the write-ahead log into the database file from a connection of its own, so the ingest writer never
/// pays for checkpoints (they would otherwise run inside a commit every 1,000 pages and stall every producer).
/// The writer keeps SQLite's automatic checkpoint only as a backstop for when this is not running.
public struct SQLiteCheckpointer: Sendable {
    /// WAL pages after which the writer checkpoints by itself (a backstop; normally this type does it).
    static let writerBackstopPages = 20_000

    private let connection: DatabaseQueue
    private let interval: Duration
    private let logger: Logger

    public init(store: SQLiteStore, interval: Duration = .milliseconds(500), logger: Logger) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: store.path, configuration: configuration)
        self.interval = interval
        self.logger = logger
    }

    /// Checkpoints every `interval` until cancelled. PASSIVE never waits for readers or the writer.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await connection.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
