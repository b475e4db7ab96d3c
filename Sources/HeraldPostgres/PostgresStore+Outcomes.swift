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
            for recorded in outcomes.attempts {
                try await Self.record(recorded, connection, now: nowMilliseconds, logger: logger)
            }
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
                        WHERE endpoint_id = \(endpointID) AND status IN (1, 3) AND next_attempt_at < \(untilMilliseconds)
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
                nextAttemptAt: now
            )
            return Resend(endpoint: endpoint, task: task)
        }
        return (resend.endpoint, resend.task)
    }

    /// Writes one attempt and its delivery's next state.
    private static func record(
        _ recorded: DeliveryOutcomes.Recorded,
        _ connection: PostgresConnection,
        now: Int64,
        logger: Logger
    ) async throws {
        let attempt = recorded.attempt
        let createdAt = PostgresColumn.milliseconds(attempt.createdAt)
        try await connection.rows(
            """
            INSERT INTO attempt (id, message_id, endpoint_id, app_id, url, status, response_status_code, response,
                duration_ms, trigger_type, error_kind, attempt_number, created_at)
            VALUES (\(attempt.id), \(attempt.messageID), \(attempt.endpointID), \(attempt.applicationID), \(attempt.url),
                \(attempt.status.rawValue), \(attempt.responseStatusCode), \(attempt.response),
                \(attempt.durationMilliseconds), \(attempt.trigger.rawValue), \(attempt.errorKind),
                \(attempt.attemptNumber), \(createdAt))
            """,
            logger: logger
        )
        let next: (status: DeliveryStatus, at: Int64?)
        switch recorded.next {
        case .succeeded: next = (.success, nil)
        case .retry(let at): next = (.pending, PostgresColumn.milliseconds(at))
        case .failed: next = (.fail, nil)
        case .unchanged: return
        }
        let counted = attempt.trigger == .scheduled ? 1 : 0
        try await connection.rows(
            """
            UPDATE delivery SET status = \(next.status.rawValue), attempt_count = attempt_count + \(counted),
                next_attempt_at = \(next.at), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
            WHERE message_id = \(attempt.messageID) AND endpoint_id = \(attempt.endpointID)
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
