import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func ping() async throws {
        try await read { connection in
            _ = try await connection.count("SELECT count(*) FROM herald_migration", logger: logger)
        }
    }

    /// Counted the same way as the SQLite store (see ``DeliveryBacklog``); each query runs on a partial index, so
    /// its cost follows the unfinished work, never the size of the delivery history.
    public func deliveryBacklog(now: Date) async throws -> DeliveryBacklog {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        return try await read { connection in
            let regular = try await connection.row(
                """
                SELECT count(*) AS unfinished,
                    count(*) FILTER (WHERE next_attempt_at <= \(nowMilliseconds)) AS due,
                    min(next_attempt_at) FILTER (WHERE next_attempt_at <= \(nowMilliseconds)) AS oldest
                FROM delivery WHERE status IN (1, 3) AND fifo = false
                """,
                logger: logger
            )
            let fifo = try await connection.row(
                """
                SELECT count(*) AS unfinished,
                    count(*) FILTER (WHERE next_attempt_at <= \(nowMilliseconds)) AS due,
                    min(next_attempt_at) FILTER (WHERE next_attempt_at <= \(nowMilliseconds)) AS oldest
                FROM delivery WHERE status IN (1, 3) AND fifo = true
                """,
                logger: logger
            )
            let openCircuits = try await connection.count(
                "SELECT count(*) FROM endpoint WHERE circuit_state != 'closed'",
                logger: logger
            )
            let disabled = try await connection.count("SELECT count(*) FROM endpoint WHERE disabled = true", logger: logger)
            func number(_ row: PostgresRandomAccessRow?, _ column: String) throws -> Int {
                try row?.value(column, as: Int.self) ?? 0
            }
            let oldest = [try regular?.value("oldest", as: Int64?.self), try fifo?.value("oldest", as: Int64?.self)]
                .compactMap { $0 }.min()
            return DeliveryBacklog(
                unfinished: try number(regular, "unfinished") + number(fifo, "unfinished"),
                due: try number(regular, "due") + number(fifo, "due"),
                oldestDueAt: oldest.map(PostgresColumn.date),
                openCircuitEndpoints: openCircuits,
                disabledEndpoints: disabled
            )
        }
    }

    public func pruneExpired(now: Date, attemptRetention: TimeInterval, batchSize: Int) async throws -> PruneResult {
        precondition(batchSize > 0, "batchSize must be positive")
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let attemptCutoff = PostgresColumn.milliseconds(now.addingTimeInterval(-attemptRetention))
        let taskCutoff = Identifier.lowerBound(prefix: Identifier.backgroundTaskPrefix, milliseconds: attemptCutoff)
        // Each statement walks an index in expiry order (message_payload_expiry, attempt_by_created,
        // idempotency_key_by_expiry, the time-ordered ids of background tasks, api_token_by_expiry) and skips rows another instance's
        // pruner holds.
        return try await transaction { connection in
            let payloads = try await connection.count(
                """
                WITH pruned AS (
                    UPDATE message SET payload = NULL WHERE id IN (
                        SELECT id FROM message WHERE payload IS NOT NULL AND payload_expires_at <= \(nowMilliseconds)
                        ORDER BY payload_expires_at LIMIT \(batchSize) FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                logger: logger
            )
            let attempts = try await connection.count(
                """
                WITH pruned AS (
                    DELETE FROM attempt WHERE id IN (
                        SELECT id FROM attempt WHERE created_at < \(attemptCutoff)
                        ORDER BY created_at LIMIT \(batchSize) FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                logger: logger
            )
            let keys = try await connection.count(
                """
                WITH pruned AS (
                    DELETE FROM idempotency_key WHERE key IN (
                        SELECT key FROM idempotency_key WHERE expires_at <= \(nowMilliseconds)
                        ORDER BY expires_at LIMIT \(batchSize) FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                logger: logger
            )
            let tasks = try await connection.count(
                """
                WITH pruned AS (
                    DELETE FROM background_task WHERE id IN (
                        SELECT id FROM background_task WHERE id < \(taskCutoff)
                        ORDER BY id LIMIT \(batchSize) FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                logger: logger
            )
            let tokens = try await connection.count(
                """
                WITH pruned AS (
                    DELETE FROM api_token WHERE id IN (
                        SELECT id FROM api_token WHERE expires_at <= \(nowMilliseconds)
                        ORDER BY expires_at LIMIT \(batchSize) FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                logger: logger
            )
            return PruneResult(
                payloads: payloads, attempts: attempts, idempotencyKeys: keys, backgroundTasks: tasks, tokens: tokens)
        }
    }
}
