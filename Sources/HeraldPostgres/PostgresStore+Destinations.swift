import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    /// How far behind now a poller reads. Instances make message ids from their own clocks and commit them in
    /// their own time, so a message may commit after one with a higher id; 5 s covers the commit of a batch and
    /// the clock difference between instances kept in step by NTP.
    static let messageStreamSettling: TimeInterval = 5

    public func insertDestination(_ destination: Destination) async throws -> Destination {
        try await transaction { connection in
            _ = try await Self.applicationID(connection, destination.applicationID, logger: logger)
            try await PostgresErrorCode.mappingConflicts("A destination with this uid already exists") {
                try await connection.rows(
                    """
                    INSERT INTO destination (id, app_id, uid, type, disabled, event_types, channels, batch_size,
                        max_wait_secs, metadata, created_at, updated_at)
                    VALUES (\(destination.id), \(destination.applicationID), \(destination.uid), \(destination.type),
                        \(destination.disabled), \(try PostgresColumn.json(destination.eventTypes)),
                        \(try PostgresColumn.json(destination.channels)), \(Int64(destination.batchSize)),
                        \(Int64(destination.maxWaitSeconds)), \(try PostgresColumn.json(destination.metadata)),
                        \(PostgresColumn.milliseconds(destination.createdAt)),
                        \(PostgresColumn.milliseconds(destination.updatedAt)))
                    """,
                    logger: logger
                )
            }
            return destination
        }
    }

    public func destinations(application: String, _ page: PageRequest) async throws -> Page<Destination> {
        try await read { connection in
            var query = PostgresPagedQuery(select: "SELECT * FROM destination", key: "id")
            query.filter("app_id = \(query.bind(application))")
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map(Destination.init(postgresRow:)), request: page, key: \.id)
        }
    }

    public func destination(application: String, _ destination: String) async throws -> Destination {
        try await read { connection in try await Self.destination(connection, application, destination, logger: logger) }
    }

    public func updateDestination(_ destination: Destination) async throws -> Destination {
        try await transaction { connection in
            let stored = try await Self.destination(
                connection, destination.applicationID, destination.id, lock: true, logger: logger)
            try await PostgresErrorCode.mappingConflicts("A destination with this uid already exists") {
                try await connection.rows(
                    """
                    UPDATE destination SET uid = \(destination.uid), type = \(destination.type),
                        disabled = \(destination.disabled), event_types = \(try PostgresColumn.json(destination.eventTypes)),
                        channels = \(try PostgresColumn.json(destination.channels)),
                        batch_size = \(Int64(destination.batchSize)), max_wait_secs = \(Int64(destination.maxWaitSeconds)),
                        metadata = \(try PostgresColumn.json(destination.metadata)),
                        updated_at = \(PostgresColumn.milliseconds(destination.updatedAt))
                    WHERE id = \(stored.id)
                    """,
                    logger: logger
                )
            }
            return try await Self.destination(connection, stored.applicationID, stored.id, logger: logger)
        }
    }

    public func deleteDestination(application: String, _ id: String) async throws {
        try await transaction { connection in
            let stored = try await Self.destination(connection, application, id, lock: true, logger: logger)
            try await connection.rows("DELETE FROM destination WHERE id = \(stored.id)", logger: logger)
        }
    }

    /// Stops ``messageStreamSettling`` before now: a message committed later than that after its id was made is
    /// beyond what Herald waits for.
    public func messageStream(application: String, after position: String, limit: Int, now: Date) async throws
        -> [Message]
    {
        guard !application.utf8.contains(0), !position.utf8.contains(0) else { return [] }
        let settled = Identifier.lowerBound(
            prefix: Identifier.messagePrefix,
            milliseconds: now.addingTimeInterval(-Self.messageStreamSettling).millisecondsSince1970)
        return try await read { connection in
            let rows = try await connection.rows(
                """
                SELECT * FROM message WHERE app_id = \(application) AND id > \(position) AND id < \(settled)
                ORDER BY id LIMIT \(Int64(limit))
                """,
                logger: logger
            )
            return try rows.map { try Message(postgresRow: $0, now: now) }
        }
    }

    public func pollerPosition(destination: String, consumer: String) async throws -> String? {
        guard !destination.utf8.contains(0), !consumer.utf8.contains(0) else { return nil }
        return try await read { connection in
            try await connection.row(
                """
                SELECT position FROM poller_consumer
                WHERE destination_id = \(destination) AND consumer_id = \(consumer)
                """,
                logger: logger
            )?.value("position", as: String.self)
        }
    }

    public func setPollerPosition(destination: String, consumer: String, position: String, now: Date) async throws {
        guard !destination.utf8.contains(0), !consumer.utf8.contains(0), !position.utf8.contains(0) else {
            throw HeraldError.notFound("Destination not found")
        }
        try await transaction { connection in
            let written = try await connection.rows(
                """
                INSERT INTO poller_consumer (destination_id, consumer_id, position, updated_at)
                SELECT id, \(consumer), \(position), \(PostgresColumn.milliseconds(now)) FROM destination
                WHERE id = \(destination)
                ON CONFLICT (destination_id, consumer_id)
                DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                RETURNING destination_id
                """,
                logger: logger
            )
            if written.isEmpty { throw HeraldError.notFound("Destination not found") }
        }
    }

    /// The destination whose id or uid is `destination`; `lock` takes it FOR UPDATE.
    private static func destination(
        _ connection: PostgresConnection, _ application: String, _ destination: String, lock: Bool = false,
        logger: Logger
    ) async throws -> Destination {
        // PostgreSQL text cannot hold NUL, so no id has one; querying with it would fail the transaction.
        guard !destination.utf8.contains(0), !application.utf8.contains(0) else {
            throw HeraldError.notFound("Destination not found")
        }
        let query: PostgresQuery = """
            SELECT * FROM destination WHERE app_id = \(application) AND (id = \(destination) OR uid = \(destination))
            ORDER BY id = \(destination) DESC LIMIT 1 \(unescaped: lock ? "FOR UPDATE" : "")
            """
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Destination not found")
        }
        return try Destination(postgresRow: row)
    }
}

extension Destination {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row.value("id"),
            applicationID: try row.value("app_id"),
            uid: try row.value("uid", as: String?.self),
            type: try row.value("type"),
            disabled: try row.value("disabled"),
            eventTypes: try PostgresColumn.decode([String].self, try row.value("event_types", as: String?.self)),
            channels: try PostgresColumn.decode([String].self, try row.value("channels", as: String?.self)),
            batchSize: Int(try row.value("batch_size", as: Int64.self)),
            maxWaitSeconds: Int(try row.value("max_wait_secs", as: Int64.self)),
            metadata: try PostgresColumn.decode([String: String].self, try row.value("metadata", as: String?.self)) ?? [:],
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
