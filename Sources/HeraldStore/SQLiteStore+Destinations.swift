import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertDestination(_ destination: Destination) async throws -> Destination {
        try await write { context in
            _ = try Self.applicationID(context.db, destination.applicationID)
            try Self.mappingConflicts("A destination with this uid already exists") {
                try context.db.execute(
                    sql: """
                        INSERT INTO destination (id, app_id, uid, type, disabled, event_types, channels, batch_size,
                            max_wait_secs, metadata, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        destination.id, destination.applicationID, destination.uid, destination.type,
                        destination.disabled, try Column.json(destination.eventTypes),
                        try Column.json(destination.channels), destination.batchSize, destination.maxWaitSeconds,
                        try Column.json(destination.metadata), Column.milliseconds(destination.createdAt),
                        Column.milliseconds(destination.updatedAt),
                    ]
                )
            }
            return destination
        }
    }

    public func destinations(application: String, _ page: PageRequest) async throws -> Page<Destination> {
        try await read { db in
            var query = SQLitePagedQuery(select: "SELECT * FROM destination", key: "id")
            query.filter("app_id = ?", [application])
            return Page(fetched: try query.fetch(db, page).map(Destination.init(row:)), request: page, key: \.id)
        }
    }

    public func destination(application: String, _ destination: String) async throws -> Destination {
        try await read { db in try Self.destination(db, application, destination) }
    }

    public func updateDestination(_ destination: Destination) async throws -> Destination {
        try await write { context in
            let stored = try Self.destination(context.db, destination.applicationID, destination.id)
            try Self.mappingConflicts("A destination with this uid already exists") {
                try context.db.execute(
                    sql: """
                        UPDATE destination SET uid = ?, type = ?, disabled = ?, event_types = ?, channels = ?,
                            batch_size = ?, max_wait_secs = ?, metadata = ?, updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        destination.uid, destination.type, destination.disabled, try Column.json(destination.eventTypes),
                        try Column.json(destination.channels), destination.batchSize, destination.maxWaitSeconds,
                        try Column.json(destination.metadata), Column.milliseconds(destination.updatedAt), stored.id,
                    ]
                )
            }
            return try Self.destination(context.db, stored.applicationID, stored.id)
        }
    }

    public func deleteDestination(application: String, _ id: String) async throws {
        try await write { context in
            let stored = try Self.destination(context.db, application, id)
            try context.db.execute(sql: "DELETE FROM destination WHERE id = ?", arguments: [stored.id])
        }
    }

    /// The writer makes each message's id inside its transaction, so ids are in commit order: every message a
    /// reader sees has an id above all messages committed before it, and none committed later sorts below it.
    public func messageStream(application: String, after position: String, limit: Int, now: Date) async throws
        -> [Message]
    {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM message WHERE app_id = ? AND id > ? AND id < ? ORDER BY id LIMIT ?",
                arguments: [application, position, messageIDsEnd, limit]
            ).map { try Message(row: $0, now: now) }
        }
    }

    public func pollerPosition(destination: String, consumer: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(
                db,
                sql: "SELECT position FROM poller_consumer WHERE destination_id = ? AND consumer_id = ?",
                arguments: [destination, consumer]
            )
        }
    }

    public func setPollerPosition(destination: String, consumer: String, position: String, now: Date) async throws {
        try await write { context in
            try context.db.execute(
                sql: """
                    INSERT INTO poller_consumer (destination_id, consumer_id, position, updated_at)
                    SELECT id, ?, ?, ? FROM destination WHERE id = ?
                    ON CONFLICT (destination_id, consumer_id)
                    DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                    """,
                arguments: [consumer, position, Column.milliseconds(now), destination]
            )
            if context.db.changesCount == 0 { throw HeraldError.notFound("Destination not found") }
        }
    }

    private static func destination(_ db: Database, _ application: String, _ destination: String) throws
        -> Destination
    {
        let sql = """
            SELECT * FROM destination WHERE app_id = ? AND id = ?
            UNION ALL SELECT * FROM destination WHERE app_id = ? AND uid = ? LIMIT 1
            """
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [application, destination, application, destination])
        else { throw HeraldError.notFound("Destination not found") }
        return try Destination(row: row)
    }
}

extension Destination {
    init(row: Row) throws {
        self.init(
            id: row["id"],
            applicationID: row["app_id"],
            uid: row["uid"],
            type: row["type"],
            disabled: row["disabled"],
            eventTypes: try Column.decode([String].self, row["event_types"]),
            channels: try Column.decode([String].self, row["channels"]),
            batchSize: row["batch_size"],
            maxWaitSeconds: row["max_wait_secs"],
            metadata: try Column.decode([String: String].self, row["metadata"]) ?? [:],
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"])
        )
    }
}
