import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func insertEventType(_ eventType: EventType) async throws -> EventType {
        try await read { connection in
            try await PostgresErrorCode.mappingConflicts("An event type with this name already exists") {
                try await Self.saveEventType(connection, eventType, insert: true, logger: logger)
            }
            return eventType
        }
    }

    public func eventType(_ name: String) async throws -> EventType {
        try await read { connection in
            try await EventType(postgresRow: Self.eventTypeRow(connection, name, logger: logger))
        }
    }

    public func eventTypes(_ page: PageRequest, includeArchived: Bool) async throws -> Page<EventType> {
        try await read { connection in
            var query = PostgresPagedQuery(select: "SELECT * FROM event_type", key: "name")
            if !includeArchived { query.filter("archived = false") }
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map(EventType.init(postgresRow:)), request: page, key: \.name)
        }
    }

    public func updateEventType(
        _ name: String,
        _ change: @escaping @Sendable (inout EventType) throws -> Void
    ) async throws -> EventType {
        try await transaction { connection in
            var stored = try await EventType(postgresRow: Self.eventTypeRow(connection, name, lock: true, logger: logger))
            try change(&stored)
            stored.name = name
            try await Self.saveEventType(connection, stored, insert: false, logger: logger)
            return stored
        }
    }

    public func deleteEventType(_ name: String, expunge: Bool) async throws {
        try await transaction { connection in
            _ = try await Self.eventTypeRow(connection, name, lock: true, logger: logger)
            if expunge {
                try await connection.rows("DELETE FROM event_type WHERE name = \(name)", logger: logger)
            } else {
                let now = PostgresColumn.milliseconds(Date())
                try await connection.rows(
                    "UPDATE event_type SET archived = true, updated_at = \(now) WHERE name = \(name)",
                    logger: logger
                )
            }
        }
    }

    private static func eventTypeRow(_ connection: PostgresConnection, _ name: String, lock: Bool = false, logger: Logger)
        async throws -> PostgresRandomAccessRow
    {
        let query: PostgresQuery = "SELECT * FROM event_type WHERE name = \(name) \(unescaped: lock ? "FOR UPDATE" : "")"
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Event type not found")
        }
        return row
    }

    private static func saveEventType(_ connection: PostgresConnection, _ eventType: EventType, insert: Bool, logger: Logger)
        async throws
    {
        let schemas = try PostgresColumn.json(eventType.schemas)
        let featureFlags = try PostgresColumn.json(eventType.featureFlags)
        let createdAt = PostgresColumn.milliseconds(eventType.createdAt)
        let updatedAt = PostgresColumn.milliseconds(eventType.updatedAt)
        let query: PostgresQuery =
            insert
            ? """
            INSERT INTO event_type (name, description, archived, deprecated, schemas, group_name, feature_flags,
                created_at, updated_at)
            VALUES (\(eventType.name), \(eventType.description), \(eventType.archived), \(eventType.deprecated),
                \(schemas), \(eventType.groupName), \(featureFlags), \(createdAt), \(updatedAt))
            """
            : """
            UPDATE event_type SET description = \(eventType.description), archived = \(eventType.archived),
                deprecated = \(eventType.deprecated), schemas = \(schemas), group_name = \(eventType.groupName),
                feature_flags = \(featureFlags), created_at = \(createdAt), updated_at = \(updatedAt)
            WHERE name = \(eventType.name)
            """
        try await connection.rows(query, logger: logger)
    }
}
