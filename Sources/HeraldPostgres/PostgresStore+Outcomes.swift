import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    @discardableResult
    public func recordOutcomes(_ outcomes: DeliveryOutcomes, now: Date) async throws -> [(endpointID: String, until: Date)] {
        guard !outcomes.isEmpty else { return [] }
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let unfinished = try await transaction { connection in
            // Endpoint rows first, in id order: every transaction that touches an endpoint and its deliveries
            // locks them in that order, so two of them never deadlock.
            for state in outcomes.endpointStates.sorted(by: { $0.endpointID < $1.endpointID }) {
                try await connection.rows(
                    """
                    UPDATE endpoint SET circuit_state = \(state.circuit.observableState.rawValue),
                        circuit = \(try PostgresColumn.json(state.circuit)), health = \(try PostgresColumn.json(state.health)),
                        disabled = disabled OR \(state.disable)
                    WHERE id = \(state.endpointID)
                    """,
                    logger: logger
                )
            }
            try await Self.record(outcomes.attempts, connection, now: nowMilliseconds, logger: logger)
            for (key, at) in outcomes.releases {
                try await connection.rows(
                    """
                    UPDATE delivery SET status = 1, next_attempt_at = \(PostgresColumn.milliseconds(at)),
                        lease_owner = NULL, lease_expires_at = NULL, updated_at = \(nowMilliseconds)
                    WHERE message_id = \(key.messageID) AND endpoint_id = \(key.endpointID) AND status IN (1, 3)
                    """,
                    logger: logger
                )
            }
            var unfinished: [(endpointID: String, until: Date)] = []
            for (endpointID, until) in outcomes.deferredEndpoints {
                let untilMilliseconds = PostgresColumn.milliseconds(until)
                let count = try await connection.count(
                    """
                    WITH chunk AS (
                        SELECT message_id, endpoint_id FROM delivery
                        WHERE endpoint_id = \(endpointID) AND status = 1 AND fifo = false
                          AND next_attempt_at < \(untilMilliseconds)
                          AND (lease_expires_at IS NULL OR lease_expires_at <= \(nowMilliseconds))
                        LIMIT \(DeliveryOutcomes.deferralChunk)
                        FOR UPDATE SKIP LOCKED
                    ), deferred AS (
                        UPDATE delivery d SET next_attempt_at = \(untilMilliseconds), status = 1,
                            updated_at = \(nowMilliseconds)
                        FROM chunk WHERE d.message_id = chunk.message_id AND d.endpoint_id = chunk.endpoint_id
                        RETURNING 1
                    )
                    SELECT count(*) FROM deferred
                    """,
                    logger: logger
                )
                if count == DeliveryOutcomes.deferralChunk { unfinished.append((endpointID, until)) }
            }
            return UnfinishedDeferrals(items: unfinished)
        }
        return unfinished.items
    }

    public func requeueFailedDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    {
        try await transaction { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let endpointID = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
            let nowMilliseconds = PostgresColumn.milliseconds(now)
            let count = try await connection.count(
                """
                WITH requeued AS (
                    UPDATE delivery SET status = 1, attempt_count = 0, next_attempt_at = \(nowMilliseconds),
                        lease_owner = NULL, lease_expires_at = NULL, updated_at = \(nowMilliseconds)
                    WHERE endpoint_id = \(endpointID) AND status = 2
                      AND created_at >= \(PostgresColumn.milliseconds(since))
                      AND created_at <= \(PostgresColumn.milliseconds(until ?? now))
                    RETURNING 1
                )
                SELECT count(*) FROM requeued
                """,
                logger: logger
            )
            if count > 0 { try await connection.rows("SELECT pg_notify(\(Self.workChannel), '')", logger: logger) }
            return count
        }
    }

    public func deliveryForResend(application: String, message: String, endpoint: String, now: Date) async throws
        -> (Endpoint, DeliveryTask)
    {
        let resend = try await transaction { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let messageRow = try await Self.messageRow(connection, applicationID: applicationID, message, logger: logger)
            let endpoint = try await Endpoint(
                postgresRow: Self.endpointRow(connection, applicationID: applicationID, endpoint, logger: logger),
                columns: secretColumns
            )
            let message = try Message(postgresRow: messageRow, now: now)
            guard let payload = message.payload else {
                throw HeraldError.gone("The message's payload has expired or was expunged; it cannot be resent")
            }
            let nowMilliseconds = PostgresColumn.milliseconds(now)
            // A resend to an endpoint the message never went to starts a delivery record for it.
            try await connection.rows(
                """
                INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at, created_at,
                    updated_at)
                VALUES (\(message.id), \(endpoint.id), \(applicationID), 2, \(endpoint.fifo), NULL, \(nowMilliseconds),
                    \(nowMilliseconds))
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
            let attempts = try await connection.count(
                "SELECT attempt_count FROM delivery WHERE message_id = \(message.id) AND endpoint_id = \(endpoint.id)",
                logger: logger
            )
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
            return Resend(endpoint: endpoint, task: task)
        }
        return (resend.endpoint, resend.task)
    }

    /// Rows per statement when outcomes are written in bulk.
    static let outcomeChunk = 1000

    /// Writes attempts and their deliveries' next states: a few multi-row statements per chunk of outcomes (one
    /// `INSERT … SELECT FROM unnest(…)` and one `UPDATE … FROM unnest(…)`), not two round trips per attempt.
    private static func record(
        _ recorded: [DeliveryOutcomes.Recorded],
        _ connection: PostgresConnection,
        now: Int64,
        logger: Logger
    ) async throws {
        var start = 0
        while start < recorded.count {
            let chunk = recorded[start..<min(start + outcomeChunk, recorded.count)]
            start += outcomeChunk
            try await insertAttempts(chunk.map(\.attempt), connection, logger: logger)
            var changes: [(attempt: Attempt, status: DeliveryStatus, at: Int64?)] = []
            for item in chunk {
                switch item.next {
                case .succeeded: changes.append((item.attempt, .success, nil))
                case .retry(let at): changes.append((item.attempt, .pending, PostgresColumn.milliseconds(at)))
                case .failed: changes.append((item.attempt, .fail, nil))
                case .unchanged: break
                }
            }
            // One UPDATE applies one change per row: a delivery changed twice in a chunk goes one change at a time.
            var seen = Set<DeliveryKey>()
            var bulk: [(attempt: Attempt, status: DeliveryStatus, at: Int64?)] = []
            for change in changes {
                let key = DeliveryKey(messageID: change.attempt.messageID, endpointID: change.attempt.endpointID)
                if seen.insert(key).inserted {
                    bulk.append(change)
                } else {
                    try await updateDeliveries(bulk, connection, now: now, logger: logger)
                    bulk = [change]
                    seen = [key]
                }
            }
            try await updateDeliveries(bulk, connection, now: now, logger: logger)
        }
    }

    private static func insertAttempts(_ attempts: [Attempt], _ connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !attempts.isEmpty else { return }
        let ids = attempts.map(\.id)
        let messageIDs = attempts.map(\.messageID)
        let endpointIDs = attempts.map(\.endpointID)
        let applicationIDs = attempts.map(\.applicationID)
        let urls = attempts.map(\.url)
        let statuses = attempts.map { Int64($0.status.rawValue) }
        let codes = attempts.map { Int64($0.responseStatusCode) }
        let responses = attempts.map(\.response)
        let durations = attempts.map { Int64($0.durationMilliseconds) }
        let triggers = attempts.map { Int64($0.trigger.rawValue) }
        // Arrays of optionals do not bind: an absent error kind travels as "" and is stored as NULL.
        let errorKinds = attempts.map { $0.errorKind ?? "" }
        let numbers = attempts.map { Int64($0.attemptNumber) }
        let createdAt = attempts.map { PostgresColumn.milliseconds($0.createdAt) }
        try await connection.rows(
            """
            INSERT INTO attempt (id, message_id, endpoint_id, app_id, url, status, response_status_code, response,
                duration_ms, trigger_type, error_kind, attempt_number, created_at)
            SELECT id, message_id, endpoint_id, app_id, url, status, code, response, duration, trigger_type,
                NULLIF(error_kind, ''), attempt_number, created_at
            FROM unnest(\(ids)::TEXT[], \(messageIDs)::TEXT[], \(endpointIDs)::TEXT[], \(applicationIDs)::TEXT[],
                \(urls)::TEXT[], \(statuses)::BIGINT[], \(codes)::BIGINT[], \(responses)::TEXT[], \(durations)::BIGINT[],
                \(triggers)::BIGINT[], \(errorKinds)::TEXT[], \(numbers)::BIGINT[], \(createdAt)::BIGINT[])
                AS a(id, message_id, endpoint_id, app_id, url, status, code, response, duration, trigger_type,
                    error_kind, attempt_number, created_at)
            """,
            logger: logger
        )
    }

    /// Applies each delivery's next state (at most one change per delivery) and gives up its lease.
    private static func updateDeliveries(
        _ changes: [(attempt: Attempt, status: DeliveryStatus, at: Int64?)],
        _ connection: PostgresConnection,
        now: Int64,
        logger: Logger
    ) async throws {
        guard !changes.isEmpty else { return }
        let messageIDs = changes.map(\.attempt.messageID)
        let endpointIDs = changes.map(\.attempt.endpointID)
        let statuses = changes.map { Int64($0.status.rawValue) }
        let counted = changes.map { Int64($0.attempt.trigger == .scheduled ? 1 : 0) }
        // No due time (a finished delivery) travels as -1 and is stored as NULL.
        let dueAt = changes.map { $0.at ?? -1 }
        try await connection.rows(
            """
            UPDATE delivery d SET status = u.status, attempt_count = d.attempt_count + u.counted,
                next_attempt_at = NULLIF(u.due_at, -1), lease_owner = NULL, lease_expires_at = NULL,
                updated_at = \(now)
            FROM unnest(\(messageIDs)::TEXT[], \(endpointIDs)::TEXT[], \(statuses)::BIGINT[], \(counted)::BIGINT[],
                \(dueAt)::BIGINT[]) AS u(message_id, endpoint_id, status, counted, due_at)
            WHERE d.message_id = u.message_id AND d.endpoint_id = u.endpoint_id
            """,
            logger: logger
        )
    }
}

/// Sendable carriers for tuple results out of a transaction.
private struct UnfinishedDeferrals: Sendable {
    var items: [(endpointID: String, until: Date)]
}

private struct Resend: Sendable {
    var endpoint: Endpoint
    var task: DeliveryTask
}
