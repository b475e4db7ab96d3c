import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

/// Leasing: due deliveries are taken with `FOR UPDATE SKIP LOCKED`, so instances leasing at the same moment each
/// get different rows without waiting for one another; a lease past its expiry is due again.
extension PostgresStore {
    /// What a leasing UPDATE returns: the delivery with its message's event type and payload.
    private static let leasedColumns = """
        d.message_id, d.endpoint_id, d.app_id, d.attempt_count, d.next_attempt_at, m.event_type, m.payload,
        m.payload_expires_at
        """

    public func leaseDueDeliveries(owner: String, now: Date, leaseDuration: TimeInterval, limit: Int) async throws
        -> [DeliveryTask]
    {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let until = PostgresColumn.milliseconds(now.addingTimeInterval(leaseDuration))
        return try await read { connection in
            let rows = try await connection.rows(
                """
                WITH due AS (
                    SELECT message_id, endpoint_id FROM delivery
                    WHERE status IN (1, 3) AND fifo = false AND next_attempt_at <= \(nowMilliseconds)
                      AND (lease_expires_at IS NULL OR lease_expires_at <= \(nowMilliseconds))
                    ORDER BY next_attempt_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE delivery d SET status = 3, lease_owner = \(owner), lease_expires_at = \(until),
                    updated_at = \(nowMilliseconds)
                FROM due, message m
                WHERE d.message_id = due.message_id AND d.endpoint_id = due.endpoint_id AND m.id = d.message_id
                RETURNING \(unescaped: Self.leasedColumns)
                """,
                logger: logger
            )
            return try Self.tasks(rows, now: now)
        }
    }

    public func leaseFIFODeliveries(endpointID: String, owner: String, now: Date, leaseDuration: TimeInterval, limit: Int)
        async throws -> [DeliveryTask]
    {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let until = PostgresColumn.milliseconds(now.addingTimeInterval(leaseDuration))
        // No SKIP LOCKED here: a FIFO lane must never lease past a head that another transaction holds.
        return try await read { connection in
            let rows = try await connection.rows(
                """
                WITH head AS (
                    SELECT message_id, endpoint_id FROM delivery
                    WHERE endpoint_id = \(endpointID) AND status IN (1, 3) AND fifo = true
                      AND (lease_expires_at IS NULL OR lease_expires_at <= \(nowMilliseconds) OR lease_owner = \(owner))
                    ORDER BY message_id LIMIT \(limit)
                    FOR UPDATE
                )
                UPDATE delivery d SET status = 3, lease_owner = \(owner), lease_expires_at = \(until),
                    updated_at = \(nowMilliseconds)
                FROM head, message m
                WHERE d.message_id = head.message_id AND d.endpoint_id = head.endpoint_id AND m.id = d.message_id
                RETURNING \(unescaped: Self.leasedColumns)
                """,
                logger: logger
            )
            return try Self.tasks(rows, now: now).sorted { $0.messageID < $1.messageID }
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        try await transaction { connection in
            let count = try await connection.count(
                """
                WITH released AS (
                    UPDATE delivery SET status = 1, lease_owner = NULL, lease_expires_at = NULL,
                        updated_at = \(PostgresColumn.milliseconds(now))
                    WHERE lease_owner = \(owner) AND status IN (1, 3)
                    RETURNING 1
                )
                SELECT count(*) FROM released
                """,
                logger: logger
            )
            if count > 0 { try await connection.rows("SELECT pg_notify(\(Self.workChannel), '')", logger: logger) }
            return count
        }
    }

    public func fifoEndpointsWithPendingWork() async throws -> [String] {
        try await read { connection in
            try await connection.rows(
                "SELECT DISTINCT endpoint_id FROM delivery WHERE status IN (1, 3) AND fifo = true",
                logger: logger
            ).map { try $0.value("endpoint_id") }
        }
    }

    public func endpointForDelivery(_ endpointID: String) async throws -> (Endpoint, EndpointDeliveryState) {
        try await read { connection in
            guard let row = try await connection.row("SELECT * FROM endpoint WHERE id = \(endpointID)", logger: logger) else {
                throw HeraldError.notFound("Endpoint not found")
            }
            let state = EndpointDeliveryState(
                circuit: try PostgresColumn.decode(CircuitBreaker.self, row.value("circuit")),
                health: try PostgresColumn.decode(EndpointHealth.self, row.value("health"))
            )
            return (try Endpoint(postgresRow: row, columns: secretColumns), state)
        }
    }

    /// Delivery tasks from leased rows, oldest due first (UPDATE … RETURNING keeps no order).
    private static func tasks(_ rows: [PostgresRandomAccessRow], now: Date) throws -> [DeliveryTask] {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        return try rows.map { row in
            let expiresAt: Int64 = try row.value("payload_expires_at")
            let payload: Data? = expiresAt > nowMilliseconds ? try row.value("payload") : nil
            let next: Int64? = try row.value("next_attempt_at")
            return DeliveryTask(
                messageID: try row.value("message_id"),
                endpointID: try row.value("endpoint_id"),
                applicationID: try row.value("app_id"),
                eventType: try row.value("event_type"),
                payload: payload.map { [UInt8]($0) },
                attemptCount: try row.value("attempt_count"),
                nextAttemptAt: PostgresColumn.date(next ?? nowMilliseconds)
            )
        }
        .sorted { ($0.nextAttemptAt, $0.messageID) < ($1.nextAttemptAt, $1.messageID) }
    }
}
