import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func ping() async throws {
        // Reads the schema table, so the database file itself is touched (not just the connection).
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") }
    }

    /// Each query runs on an index, so its cost follows the unfinished work and the few open or disabled
    /// endpoints, never the size of the delivery history.
    public func deliveryBacklog(now: Date) async throws -> DeliveryBacklog {
        try await read { db in
            let nowMilliseconds = Column.milliseconds(now)
            // Non-FIFO deliveries: `delivery_due` is ordered by next_attempt_at, so the due ones are a range of it.
            let regular = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS unfinished, MIN(next_attempt_at) AS oldest,
                        (SELECT COUNT(*) FROM delivery WHERE status IN (1, 3) AND fifo = 0 AND next_attempt_at <= ?) AS due
                    FROM delivery WHERE status IN (1, 3) AND fifo = 0
                    """,
                arguments: [nowMilliseconds]
            )
            // FIFO deliveries: the `delivery_fifo` partial index holds only unfinished ones.
            let fifo = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS unfinished, COALESCE(SUM(next_attempt_at <= ?), 0) AS due,
                        MIN(CASE WHEN next_attempt_at <= ? THEN next_attempt_at END) AS oldest
                    FROM delivery WHERE status IN (1, 3) AND fifo = 1
                    """,
                arguments: [nowMilliseconds, nowMilliseconds]
            )
            let openCircuits = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM endpoint WHERE circuit_state != 'closed'")
            let disabled = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM endpoint WHERE disabled = 1")
            let regularOldest: Int64? = regular?["oldest"]
            let fifoOldest: Int64? = fifo?["oldest"]
            let oldest = [regularOldest.flatMap { $0 <= nowMilliseconds ? $0 : nil }, fifoOldest].compactMap { $0 }.min()
            return DeliveryBacklog(
                unfinished: (regular?["unfinished"] ?? 0) + (fifo?["unfinished"] ?? 0),
                due: (regular?["due"] ?? 0) + (fifo?["due"] ?? 0),
                oldestDueAt: oldest.map(Column.date),
                openCircuitEndpoints: openCircuits ?? 0,
                disabledEndpoints: disabled ?? 0
            )
        }
    }
}
