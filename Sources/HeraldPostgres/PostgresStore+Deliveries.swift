import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

/// Leasing: due deliveries are taken with `FOR UPDATE SKIP LOCKED`, so instances leasing at the same moment each
/// get different rows without waiting for one another; a lease past its expiry is due again.
///
/// Per-endpoint limits (concurrency cap, `throttleRate`, circuit breaker, FIFO order) are enforced by the lane of
/// the one instance that owns the endpoint: `endpoint.owner` until `owner_expires_at`. An instance leases only
/// deliveries of endpoints it owns or can claim (no owner, or the owner's time has run out); every lease it takes
/// expires no later than its ownership, which it renews while it has work for the endpoint. So two instances never
/// hold deliveries of one endpoint at once, and an instance that dies gives its endpoints up when its time runs out.
extension PostgresStore {
    /// What a leasing UPDATE returns: the delivery with its message's event type and payload.
    private static let leasedColumns = """
        d.message_id, d.endpoint_id, d.app_id, d.attempt_count, d.next_attempt_at, m.event_type, m.payload,
        m.payload_expires_at, m.content_type
        """

    public func leaseDueDeliveries(owner: String, now: Date, leaseDuration: TimeInterval, limit: Int) async throws
        -> [DeliveryTask]
    {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let until = PostgresColumn.milliseconds(now.addingTimeInterval(leaseDuration))
        // `due` skips endpoints another instance owns; `owned` locks the endpoints of the rows found that are
        // this instance's or free (skipping any another transaction is claiming), `claimed` takes or renews their
        // ownership, and only deliveries of claimed endpoints are leased.
        return try await read { connection in
            let rows = try await connection.rows(
                """
                WITH due AS (
                    SELECT d.message_id, d.endpoint_id FROM delivery d JOIN endpoint e ON e.id = d.endpoint_id
                    WHERE d.status IN (1, 3) AND d.fifo = false AND d.next_attempt_at <= \(nowMilliseconds)
                      AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= \(nowMilliseconds))
                      AND (e.owner IS NULL OR e.owner = \(owner) OR e.owner_expires_at <= \(nowMilliseconds))
                    ORDER BY d.next_attempt_at LIMIT \(limit)
                    FOR UPDATE OF d SKIP LOCKED
                ), owned AS (
                    SELECT id FROM endpoint
                    WHERE id IN (SELECT endpoint_id FROM due)
                      AND (owner IS NULL OR owner = \(owner) OR owner_expires_at <= \(nowMilliseconds))
                    FOR NO KEY UPDATE OF endpoint SKIP LOCKED
                ), claimed AS (
                    UPDATE endpoint e SET owner = \(owner), owner_expires_at = \(until)
                    FROM owned WHERE e.id = owned.id
                    RETURNING e.id
                )
                UPDATE delivery d SET status = 3, lease_owner = \(owner), lease_expires_at = \(until),
                    updated_at = \(nowMilliseconds)
                FROM due, claimed, message m
                WHERE d.message_id = due.message_id AND d.endpoint_id = due.endpoint_id AND claimed.id = due.endpoint_id
                  AND m.id = d.message_id
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
        // Only the endpoint's owner leases, so two instances never both send from one FIFO lane. No SKIP LOCKED
        // on the deliveries: a FIFO lane must never lease past a head that another transaction holds.
        return try await read { connection in
            let rows = try await connection.rows(
                """
                WITH claimed AS (
                    UPDATE endpoint SET owner = \(owner), owner_expires_at = \(until)
                    WHERE id = \(endpointID)
                      AND (owner IS NULL OR owner = \(owner) OR owner_expires_at <= \(nowMilliseconds))
                    RETURNING id
                ), head AS (
                    SELECT message_id, endpoint_id FROM delivery
                    WHERE endpoint_id = \(endpointID) AND status IN (1, 3) AND fifo = true
                      AND (lease_expires_at IS NULL OR lease_expires_at <= \(nowMilliseconds) OR lease_owner = \(owner))
                    ORDER BY message_id LIMIT \(limit)
                    FOR UPDATE
                )
                UPDATE delivery d SET status = 3, lease_owner = \(owner), lease_expires_at = \(until),
                    updated_at = \(nowMilliseconds)
                FROM head, claimed, message m
                WHERE d.message_id = head.message_id AND d.endpoint_id = head.endpoint_id
                  AND claimed.id = head.endpoint_id AND m.id = d.message_id
                RETURNING \(unescaped: Self.leasedColumns)
                """,
                logger: logger
            )
            return try Self.tasks(rows, now: now).sorted { $0.messageID < $1.messageID }
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        try await transaction { connection in
            try await connection.rows(
                "UPDATE endpoint SET owner = NULL, owner_expires_at = NULL WHERE owner = \(owner)",
                logger: logger
            )
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
            // Endpoints given up may have due work that others should take now.
            try await connection.rows("SELECT pg_notify(\(Self.workChannel), '')", logger: logger)
            return count
        }
    }

    public func renewLeases(owner: String, endpoints: [String], now: Date, leaseDuration: TimeInterval) async throws {
        let until = PostgresColumn.milliseconds(now.addingTimeInterval(leaseDuration))
        try await transaction { connection in
            // Endpoint rows first, like every transaction that touches an endpoint and its deliveries.
            // Endpoints with leases of this instance are renewed too, so no lease outlives its ownership.
            try await connection.rows(
                """
                UPDATE endpoint SET owner_expires_at = \(until)
                WHERE owner = \(owner) AND (id = ANY(\(endpoints)::TEXT[])
                    OR id IN (SELECT endpoint_id FROM delivery WHERE lease_owner = \(owner) AND status = 3))
                """,
                logger: logger
            )
            try await connection.rows(
                """
                UPDATE delivery SET lease_expires_at = \(until)
                WHERE lease_owner = \(owner) AND status = 3
                  AND endpoint_id IN (SELECT id FROM endpoint WHERE owner = \(owner))
                """,
                logger: logger
            )
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
                nextAttemptAt: PostgresColumn.date(next ?? nowMilliseconds),
                contentType: try row.value("content_type")
            )
        }
        .sorted { ($0.nextAttemptAt, $0.messageID) < ($1.nextAttemptAt, $1.messageID) }
    }
}
