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
        var next: String? = window.firstID
        var created = 0
        while let start = next {
            let count: Int
            (count, next) = try await transaction { connection in
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
            created += count
        }
        return created
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
