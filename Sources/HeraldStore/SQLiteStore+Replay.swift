import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func replayMissingDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    {
        let target = try await read { db in
            let applicationID = try Self.applicationID(db, application)
            return try ReplayTarget(row: Self.endpointRow(db, applicationID: applicationID, endpoint))
        }
        guard let window = target.window(since: since, until: until ?? now) else { return 0 }
        return try await sumOverChunks(from: window.firstID) { start in
            try await write { context in
                let db = context.db
                // The first id of the next chunk; the last chunk runs to the window's end.
                let following = try String.fetchOne(
                    db,
                    sql: "SELECT id FROM message WHERE app_id = ? AND id >= ? AND id < ? ORDER BY id LIMIT 1 OFFSET ?",
                    arguments: [target.applicationID, start, window.endID, replayChunk]
                )
                let nowMilliseconds = Column.milliseconds(now)
                var sql = """
                    INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at, created_at,
                        updated_at)
                    SELECT m.id, ?, m.app_id, 1, ?, MAX(?, COALESCE(m.deliver_at, 0)), ?, ? FROM message m
                    WHERE m.app_id = ? AND m.id >= ? AND m.id < ? AND m.created_at >= ? AND m.created_at <= ?
                      AND m.payload IS NOT NULL AND m.payload_expires_at > ?
                    """
                var arguments: [(any DatabaseValueConvertible)?] = [
                    target.endpointID, target.fifo, nowMilliseconds, nowMilliseconds, nowMilliseconds,
                    target.applicationID, start, following ?? window.endID, window.since, window.until, nowMilliseconds,
                ]
                if let eventTypes = target.eventTypes {
                    sql += " AND m.event_type IN (\(Self.marks(eventTypes.count)))"
                    arguments += eventTypes
                }
                if let channels = target.channels {
                    sql += """
                         AND EXISTS (SELECT 1 FROM message_channel c WHERE c.app_id = m.app_id AND c.message_id = m.id
                            AND c.channel IN (\(Self.marks(channels.count))))
                        """
                    arguments += channels
                }
                // The conflict is a delivery that exists already: the message went to the endpoint before.
                try db.execute(sql: sql + " ON CONFLICT DO NOTHING", arguments: StatementArguments(arguments))
                return (db.changesCount, following)
            }
        }
    }

    public func replayDeliveries(application: String, endpoint: String, filter: BulkReplayFilter, now: Date)
        async throws -> Int
    {
        let (applicationID, endpointID) = try await read { db in
            let applicationID = try Self.applicationID(db, application)
            let endpointID: String = try Self.endpointRow(db, applicationID: applicationID, endpoint)["id"]
            return (applicationID, endpointID)
        }
        guard filter.since <= filter.until, filter.eventTypes?.isEmpty != true else { return 0 }
        let ids = filter.messageIDs
        let nowMilliseconds = Column.milliseconds(now)
        return try await sumOverChunks(from: ids.lowerBound) { start in
            try await write { context in
                let db = context.db
                // The first message id of the endpoint's next chunk of deliveries (`delivery_by_endpoint`).
                let following = try String.fetchOne(
                    db,
                    sql: """
                        SELECT message_id FROM delivery WHERE endpoint_id = ? AND message_id >= ? AND message_id < ?
                        ORDER BY message_id LIMIT 1 OFFSET ?
                        """,
                    arguments: [endpointID, start, ids.upperBound, replayChunk]
                )
                let end = following ?? ids.upperBound
                var sql = """
                    UPDATE delivery SET status = 1, attempt_count = 0, next_attempt_at = ?, lease_owner = NULL,
                        lease_expires_at = NULL, updated_at = ?
                    WHERE endpoint_id = ? AND message_id >= ? AND message_id < ? AND status IN (0, 2)
                    """
                var arguments: [(any DatabaseValueConvertible)?] = [
                    nowMilliseconds, nowMilliseconds, endpointID, start, end,
                ]
                if let status = filter.status {
                    sql += " AND status = ?"
                    arguments.append(status.rawValue)
                }
                if let codes = filter.statusCodes {
                    sql += """
                         AND EXISTS (SELECT 1 FROM attempt a WHERE a.app_id = ? AND a.message_id = delivery.message_id
                            AND a.endpoint_id = delivery.endpoint_id AND a.response_status_code >= ?
                            AND a.response_status_code < ?)
                        """
                    arguments += [applicationID, codes.lowerBound, codes.upperBound]
                }
                sql += """
                     AND message_id IN (SELECT m.id FROM message m WHERE m.id >= ? AND m.id < ?
                        AND m.created_at >= ? AND m.created_at <= ? AND m.payload IS NOT NULL AND m.payload_expires_at > ?
                    """
                arguments += [
                    start, end, Column.milliseconds(filter.since), Column.milliseconds(filter.until), nowMilliseconds,
                ]
                if let eventTypes = filter.eventTypes {
                    sql += " AND m.event_type IN (\(Self.marks(eventTypes.count)))"
                    arguments += eventTypes
                }
                if let channel = filter.channel {
                    sql += """
                         AND EXISTS (SELECT 1 FROM message_channel c WHERE c.app_id = m.app_id AND c.channel = ?
                            AND c.message_id = m.id)
                        """
                    arguments.append(channel)
                }
                if let tag = filter.tag {
                    sql += " AND EXISTS (SELECT 1 FROM json_each(m.tags) WHERE value = ?)"
                    arguments.append(tag)
                }
                try db.execute(sql: sql + ")", arguments: StatementArguments(arguments))
                return (db.changesCount, following)
            }
        }
    }

    private static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension ReplayTarget {
    init(row: Row) throws {
        self.init(
            endpointID: row["id"],
            applicationID: row["app_id"],
            fifo: row["fifo"],
            eventTypes: try Column.decode([String].self, row["event_types"]),
            channels: try Column.decode([String].self, row["channels"])
        )
    }
}
