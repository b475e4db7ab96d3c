import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func replayMissingDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    {
        let target = try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            return try await ReplayTarget(
                postgresRow: Self.endpointRow(connection, applicationID: applicationID, endpoint, logger: logger)
            )
        }
        guard let window = target.window(since: since, until: until ?? now) else { return 0 }
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        return try await sumOverChunks(from: window.firstID) { start in
            try await transaction { connection in
                // The first id of the next chunk; the last chunk runs to the window's end.
                let following: String? = try await connection.row(
                    """
                    SELECT id FROM message WHERE app_id = \(target.applicationID) AND id >= \(start)
                      AND id < \(window.endID) ORDER BY id LIMIT 1 OFFSET \(replayChunk)
                    """,
                    logger: logger
                )?.value("id")
                // A conflict is a delivery that exists already, made at ingest, by a resend or by another replay.
                let count = try await connection.count(
                    """
                    WITH replayed AS (
                        INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at,
                            created_at, updated_at)
                        SELECT m.id, \(target.endpointID), m.app_id, 1, \(target.fifo),
                            GREATEST(\(nowMilliseconds), COALESCE(m.deliver_at, 0)),
                            \(nowMilliseconds), \(nowMilliseconds)
                        FROM message m
                        WHERE m.app_id = \(target.applicationID) AND m.id >= \(start) AND m.id < \(following ?? window.endID)
                          AND m.created_at >= \(window.since) AND m.created_at <= \(window.until)
                          AND m.payload IS NOT NULL AND m.payload_expires_at > \(nowMilliseconds)
                          AND (\(target.eventTypes)::TEXT[] IS NULL OR m.event_type = ANY(\(target.eventTypes)::TEXT[]))
                          AND (\(target.channels)::TEXT[] IS NULL OR EXISTS (
                              SELECT 1 FROM message_channel c WHERE c.app_id = m.app_id AND c.message_id = m.id
                                AND c.channel = ANY(\(target.channels)::TEXT[])))
                        ON CONFLICT DO NOTHING
                        RETURNING 1
                    )
                    SELECT count(*) FROM replayed
                    """,
                    logger: logger
                )
                if count > 0 { try await connection.rows("SELECT pg_notify(\(Self.workChannel), '')", logger: logger) }
                return (count, following)
            }
        }
    }
}

extension PostgresStore {
    public func replayDeliveries(application: String, endpoint: String, filter: BulkReplayFilter, now: Date)
        async throws -> Int
    {
        let (applicationID, endpointID) = try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let endpointID = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
            return (applicationID, endpointID)
        }
        guard filter.since <= filter.until, filter.eventTypes?.isEmpty != true else { return 0 }
        let ids = filter.messageIDs
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let (since, until) = (PostgresColumn.milliseconds(filter.since), PostgresColumn.milliseconds(filter.until))
        let status = filter.status?.rawValue
        let (lowCode, highCode) = (filter.statusCodes?.lowerBound, filter.statusCodes?.upperBound)
        return try await sumOverChunks(from: ids.lowerBound) { start in
            try await transaction { connection in
                // The first message id of the endpoint's next chunk of deliveries (`delivery_by_endpoint`).
                let following: String? = try await connection.row(
                    """
                    SELECT message_id FROM delivery WHERE endpoint_id = \(endpointID) AND message_id >= \(start)
                      AND message_id < \(ids.upperBound) ORDER BY message_id LIMIT 1 OFFSET \(replayChunk)
                    """,
                    logger: logger
                )?.value("message_id")
                let end = following ?? ids.upperBound
                // An optional filter binds NULL when absent, and its condition then holds.
                let count = try await connection.count(
                    """
                    WITH replayed AS (
                        UPDATE delivery d SET status = 1, attempt_count = 0, next_attempt_at = \(nowMilliseconds),
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = \(nowMilliseconds)
                        FROM message m
                        WHERE d.endpoint_id = \(endpointID) AND d.message_id >= \(start) AND d.message_id < \(end)
                          AND d.status IN (0, 2) AND m.id = d.message_id
                          AND m.created_at >= \(since) AND m.created_at <= \(until)
                          AND m.payload IS NOT NULL AND m.payload_expires_at > \(nowMilliseconds)
                          AND (\(status)::INTEGER IS NULL OR d.status = \(status))
                          AND (\(filter.eventTypes)::TEXT[] IS NULL OR m.event_type = ANY(\(filter.eventTypes)::TEXT[]))
                          AND (\(filter.channel)::TEXT IS NULL OR EXISTS (
                              SELECT 1 FROM message_channel c WHERE c.app_id = m.app_id AND c.channel = \(filter.channel)
                                AND c.message_id = m.id))
                          AND (\(filter.tag)::TEXT IS NULL OR m.tags::JSONB @> jsonb_build_array(\(filter.tag)::TEXT))
                          AND (\(lowCode)::INTEGER IS NULL OR EXISTS (
                              SELECT 1 FROM attempt a WHERE a.app_id = \(applicationID) AND a.message_id = d.message_id
                                AND a.endpoint_id = d.endpoint_id AND a.response_status_code >= \(lowCode)
                                AND a.response_status_code < \(highCode)))
                        RETURNING 1
                    )
                    SELECT count(*) FROM replayed
                    """,
                    logger: logger
                )
                if count > 0 { try await connection.rows("SELECT pg_notify(\(Self.workChannel), '')", logger: logger) }
                return (count, following)
            }
        }
    }
}

extension ReplayTarget {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            endpointID: try row.value("id"),
            applicationID: try row.value("app_id"),
            fifo: try row.value("fifo"),
            eventTypes: try PostgresColumn.decode([String].self, row.value("event_types")),
            channels: try PostgresColumn.decode([String].self, row.value("channels"))
        )
    }
}
