import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertEventType(_ eventType: EventType) async throws -> EventType {
        try await write { context in
            try Self.mappingConflicts("An event type with this name already exists") {
                try Self.saveEventType(context.db, eventType, insert: true)
            }
            return eventType
        }
    }

    public func eventType(_ name: String) async throws -> EventType {
        try await read { db in try EventType(row: Self.eventTypeRow(db, name)) }
    }

    public func eventTypes(_ page: PageRequest, includeArchived: Bool) async throws -> Page<EventType> {
        try await read { db in
            var query = SQLitePagedQuery(select: "SELECT * FROM event_type", key: "name")
            if !includeArchived { query.filter("archived = 0") }
            return Page(fetched: try query.fetch(db, page).map(EventType.init(row:)), request: page, key: \.name)
        }
    }

    public func updateEventType(
        _ name: String,
        _ change: @escaping @Sendable (inout EventType) throws -> Void
    ) async throws -> EventType {
        try await write { context in
            var stored = try EventType(row: Self.eventTypeRow(context.db, name))
            try change(&stored)
            stored.name = name
            try Self.saveEventType(context.db, stored, insert: false)
            return stored
        }
    }

    public func deleteEventType(_ name: String, expunge: Bool) async throws {
        try await write { context in
            _ = try Self.eventTypeRow(context.db, name)
            if expunge {
                try context.db.execute(sql: "DELETE FROM event_type WHERE name = ?", arguments: [name])
            } else {
                try context.db.execute(
                    sql: "UPDATE event_type SET archived = 1, updated_at = ? WHERE name = ?",
                    arguments: [Column.milliseconds(Date()), name]
                )
            }
        }
    }

    private static func eventTypeRow(_ db: Database, _ name: String) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM event_type WHERE name = ?", arguments: [name]) else {
            throw HeraldError.notFound("Event type not found")
        }
        return row
    }

    private static func saveEventType(_ db: Database, _ eventType: EventType, insert: Bool) throws {
        let arguments: StatementArguments = [
            eventType.description, eventType.archived, eventType.deprecated, try Column.json(eventType.schemas),
            eventType.groupName, try Column.json(eventType.featureFlags), Column.milliseconds(eventType.createdAt),
            Column.milliseconds(eventType.updatedAt), eventType.name,
        ]
        let sql =
            insert
            ? """
            INSERT INTO event_type (description, archived, deprecated, schemas, group_name, feature_flags,
                created_at, updated_at, name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
            : """
            UPDATE event_type SET description = ?, archived = ?, deprecated = ?, schemas = ?, group_name = ?,
                feature_flags = ?, created_at = ?, updated_at = ?
            WHERE name = ?
            """
        try db.execute(sql: sql, arguments: arguments)
    }
}
