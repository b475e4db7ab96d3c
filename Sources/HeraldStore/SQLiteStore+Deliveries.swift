import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    private static let taskColumns = """
        d.message_id, d.endpoint_id, d.app_id, d.attempt_count, d.next_attempt_at, m.event_type, m.payload,
        m.payload_expires_at, m.content_type
        """

    public func leaseDueDeliveries(owner: String, now: Date, leaseDuration: TimeInterval, limit: Int) async throws
        -> [DeliveryTask]
    {
        try await write { context in
            let nowMilliseconds = Column.milliseconds(now)
            let rows = try SQLiteDirect.query(
                context.db.cachedStatement(
                    sql: """
                        SELECT \(Self.taskColumns) FROM delivery d JOIN message m ON m.id = d.message_id
                        WHERE d.status IN (1, 3) AND d.fifo = 0 AND d.next_attempt_at <= ?
                          AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= ?)
                        ORDER BY d.next_attempt_at LIMIT ?
                        """
                ),
                [.integer(nowMilliseconds), .integer(nowMilliseconds), .integer(Int64(limit))],
                LeasedRow.init
            )
            return try Self.lease(rows, context.db, owner: owner, until: now.addingTimeInterval(leaseDuration), now: now)
        }
    }

    public func leaseFIFODeliveries(endpointID: String, owner: String, now: Date, leaseDuration: TimeInterval, limit: Int)
        async throws -> [DeliveryTask]
    {
        try await write { context in
            let rows = try SQLiteDirect.query(
                context.db.cachedStatement(
                    sql: """
                        SELECT \(Self.taskColumns) FROM delivery d JOIN message m ON m.id = d.message_id
                        WHERE d.endpoint_id = ? AND d.status IN (1, 3) AND d.fifo = 1
                          AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= ? OR d.lease_owner = ?)
                        ORDER BY d.message_id LIMIT ?
                        """
                ),
                [.text(endpointID), .integer(Column.milliseconds(now)), .text(owner), .integer(Int64(limit))],
                LeasedRow.init
            )
            return try Self.lease(rows, context.db, owner: owner, until: now.addingTimeInterval(leaseDuration), now: now)
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        try await write { context in
            try context.db.execute(
                sql: """
                    UPDATE delivery SET status = 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
                    WHERE lease_owner = ? AND status IN (1, 3)
                    """,
                arguments: [Column.milliseconds(now), owner]
            )
            return context.db.changesCount
        }
    }

    /// Nothing to do: one process uses the embedded store, so no other can take what it holds. Its leases matter
    /// only after a crash (a restart takes them back at once), and its scheduler never holds a delivery twice.
    public func renewLeases(owner: String, endpoints: [String], now: Date, leaseDuration: TimeInterval) async throws {}

    public func fifoEndpointsWithPendingWork() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT endpoint_id FROM delivery WHERE status IN (1, 3) AND fifo = 1")
        }
    }

    public func endpointForDelivery(_ endpointID: String) async throws -> (Endpoint, EndpointDeliveryState) {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM endpoint WHERE id = ?", arguments: [endpointID]) else {
                throw HeraldError.notFound("Endpoint not found")
            }
            let state = EndpointDeliveryState(
                circuit: try Column.decode(CircuitBreaker.self, row["circuit"]),
                health: try Column.decode(EndpointHealth.self, row["health"])
            )
            return (try Endpoint(row: row), state)
        }
    }

    @discardableResult
    public func recordOutcomes(_ outcomes: DeliveryOutcomes, now: Date) async throws -> [(endpointID: String, until: Date)] {
        guard !outcomes.isEmpty else { return [] }
        return try await write { context in
            let db = context.db
            let insertAttempt = try db.cachedStatement(
                sql: """
                    INSERT INTO attempt (id, message_id, endpoint_id, app_id, url, status, response_status_code, response,
                        duration_ms, trigger_type, error_kind, attempt_number, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            let updateDelivery = try db.cachedStatement(
                sql: """
                    UPDATE delivery SET status = ?, attempt_count = attempt_count + ?, next_attempt_at = ?,
                        lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
                    WHERE message_id = ? AND endpoint_id = ?
                    """
            )
            let nowMilliseconds = Column.milliseconds(now)
            for recorded in outcomes.attempts {
                let attempt = recorded.attempt
                try SQLiteDirect.run(
                    insertAttempt,
                    [
                        .text(attempt.id), .text(attempt.messageID), .text(attempt.endpointID), .text(attempt.applicationID),
                        .text(attempt.url), .integer(Int64(attempt.status.rawValue)), .integer(Int64(attempt.responseStatusCode)),
                        .text(attempt.response), .integer(Int64(attempt.durationMilliseconds)),
                        .integer(Int64(attempt.trigger.rawValue)), .text(attempt.errorKind),
                        .integer(Int64(attempt.attemptNumber)),
                        .integer(Column.milliseconds(attempt.createdAt)),
                    ])
                func update(_ status: DeliveryStatus, nextAttemptAt: Date?) throws {
                    try SQLiteDirect.run(
                        updateDelivery,
                        [
                            .integer(Int64(status.rawValue)), .integer(attempt.trigger == .scheduled ? 1 : 0),
                            .integer(Column.milliseconds(nextAttemptAt)), .integer(nowMilliseconds), .text(attempt.messageID),
                            .text(attempt.endpointID),
                        ])
                }
                switch recorded.next {
                case .succeeded:
                    try update(.success, nextAttemptAt: nil)
                case .retry(let at):
                    try update(.pending, nextAttemptAt: at)
                case .failed:
                    try update(.fail, nextAttemptAt: nil)
                case .unchanged:
                    break
                }
            }
            let release = try db.cachedStatement(
                sql: """
                    UPDATE delivery SET status = 1, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL,
                        updated_at = ?
                    WHERE message_id = ? AND endpoint_id = ? AND status IN (1, 3)
                    """
            )
            for (key, at) in outcomes.releases {
                try release.execute(arguments: [Column.milliseconds(at), nowMilliseconds, key.messageID, key.endpointID])
            }
            var unfinished: [(endpointID: String, until: Date)] = []
            for (endpointID, until) in outcomes.deferredEndpoints {
                let untilMilliseconds = Column.milliseconds(until)
                try db.execute(
                    sql: """
                        UPDATE delivery SET next_attempt_at = ?, status = 1, updated_at = ?
                        WHERE (message_id, endpoint_id) IN (
                            SELECT message_id, endpoint_id FROM delivery INDEXED BY delivery_waiting_by_endpoint
                            WHERE endpoint_id = ? AND status = 1 AND fifo = 0 AND next_attempt_at < ?
                              AND (lease_expires_at IS NULL OR lease_expires_at <= ?)
                            LIMIT ?)
                        """,
                    arguments: [
                        untilMilliseconds, nowMilliseconds, endpointID, untilMilliseconds, nowMilliseconds,
                        DeliveryOutcomes.deferralChunk,
                    ]
                )
                if db.changesCount == DeliveryOutcomes.deferralChunk { unfinished.append((endpointID, until)) }
            }
            for state in outcomes.endpointStates {
                try db.execute(
                    sql: """
                        UPDATE endpoint SET circuit_state = ?, circuit = ?, health = ?,
                            disabled = CASE WHEN ? THEN 1 ELSE disabled END
                        WHERE id = ?
                        """,
                    arguments: [
                        state.circuit.observableState.rawValue, try Column.json(state.circuit), try Column.json(state.health),
                        state.disable, state.endpointID,
                    ]
                )
                if state.disable { context.invalidate() }
            }
            return unfinished
        }
    }

    public func requeueFailedDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    {
        try await write { context in
            let db = context.db
            let applicationID = try Self.applicationID(db, application)
            let endpointID: String = try Self.endpointRow(db, applicationID: applicationID, endpoint)["id"]
            try db.execute(
                sql: """
                    UPDATE delivery SET status = 1, attempt_count = 0, next_attempt_at = ?, lease_owner = NULL,
                        lease_expires_at = NULL, updated_at = ?
                    WHERE endpoint_id = ? AND status = 2 AND created_at >= ? AND created_at <= ?
                    """,
                arguments: [
                    Column.milliseconds(now), Column.milliseconds(now), endpointID, Column.milliseconds(since),
                    Column.milliseconds(until ?? now) as Int64,
                ]
            )
            return db.changesCount
        }
    }

    public func deliveryForResend(application: String, message: String, endpoint: String, now: Date) async throws
        -> (Endpoint, DeliveryTask)
    {
        try await write { context in
            let db = context.db
            let applicationID = try Self.applicationID(db, application)
            let messageRow = try Self.messageRow(db, applicationID: applicationID, message)
            let endpoint = try Endpoint(row: Self.endpointRow(db, applicationID: applicationID, endpoint))
            let message = try Message(row: messageRow, now: now)
            guard let payload = message.payload else {
                throw HeraldError.gone("The message's payload has expired or was expunged; it cannot be resent")
            }
            // A resend to an endpoint the message never went to starts a delivery record for it.
            try db.execute(
                sql: """
                    INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, 2, ?, NULL, ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [
                    message.id, endpoint.id, applicationID, endpoint.fifo, Column.milliseconds(now), Column.milliseconds(now),
                ]
            )
            let attempts =
                try Int.fetchOne(
                    db,
                    sql: "SELECT attempt_count FROM delivery WHERE message_id = ? AND endpoint_id = ?",
                    arguments: [message.id, endpoint.id]
                ) ?? 0
            let task = DeliveryTask(
                messageID: message.id,
                endpointID: endpoint.id,
                applicationID: applicationID,
                eventType: message.eventType,
                payload: payload,
                attemptCount: attempts,
                nextAttemptAt: now,
                contentType: message.contentType
            )
            return (endpoint, task)
        }
    }

    /// A delivery row read for leasing, in the order of ``taskColumns``.
    private struct LeasedRow {
        let messageID: String
        let endpointID: String
        let applicationID: String
        let attemptCount: Int64
        let nextAttemptAt: Int64?
        let eventType: String
        let payload: [UInt8]?
        let payloadExpiresAt: Int64
        let contentType: String?

        init(_ columns: SQLiteDirect.Columns) {
            messageID = columns.text(0)
            endpointID = columns.text(1)
            applicationID = columns.text(2)
            attemptCount = columns.integer(3)
            nextAttemptAt = columns.optionalInteger(4)
            eventType = columns.text(5)
            payload = columns.blob(6)
            payloadExpiresAt = columns.integer(7)
            contentType = columns.optionalText(8)
        }
    }

    private static func lease(_ rows: [LeasedRow], _ db: Database, owner: String, until: Date, now: Date) throws
        -> [DeliveryTask]
    {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE delivery SET status = 3, lease_owner = ?, lease_expires_at = ?, updated_at = ?
                WHERE message_id = ? AND endpoint_id = ?
                """
        )
        let untilMilliseconds = Column.milliseconds(until)
        let nowMilliseconds = Column.milliseconds(now)
        return try rows.map { row in
            try SQLiteDirect.run(
                statement,
                [
                    .text(owner), .integer(untilMilliseconds), .integer(nowMilliseconds), .text(row.messageID),
                    .text(row.endpointID),
                ])
            return DeliveryTask(
                messageID: row.messageID,
                endpointID: row.endpointID,
                applicationID: row.applicationID,
                eventType: row.eventType,
                payload: row.payloadExpiresAt > nowMilliseconds ? row.payload : nil,
                attemptCount: Int(row.attemptCount),
                nextAttemptAt: Column.date(row.nextAttemptAt ?? nowMilliseconds),
                contentType: row.contentType
            )
        }
    }
}
