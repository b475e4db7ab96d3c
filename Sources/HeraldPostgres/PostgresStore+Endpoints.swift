import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func insertEndpoint(_ endpoint: Endpoint) async throws -> Endpoint {
        try await read { connection in
            var endpoint = endpoint
            endpoint.applicationID = try await Self.applicationID(connection, endpoint.applicationID, logger: logger)
            try await PostgresErrorCode.mappingConflicts("An endpoint with this uid already exists") {
                try await Self.saveEndpoint(connection, endpoint, insert: true, columns: secretColumns, logger: logger)
            }
            return endpoint
        }
    }

    public func endpoint(application: String, _ endpoint: String) async throws -> Endpoint {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            return try await Endpoint(
                postgresRow: Self.endpointRow(connection, applicationID: applicationID, endpoint, logger: logger),
                columns: secretColumns
            )
        }
    }

    public func endpoints(application: String, _ page: PageRequest) async throws -> Page<Endpoint> {
        try await read { connection in
            var query = PostgresPagedQuery(select: "SELECT * FROM endpoint", key: "id")
            let applicationID = query.bind(try await Self.applicationID(connection, application, logger: logger))
            query.filter("app_id = \(applicationID)")
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map { try Endpoint(postgresRow: $0, columns: secretColumns) }, request: page, key: \.id)
        }
    }

    public func updateEndpoint(
        application: String,
        _ endpoint: String,
        _ change: @escaping @Sendable (inout Endpoint) throws -> Void
    ) async throws -> Endpoint {
        let updated = try await transaction { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let row = try await Self.endpointRow(connection, applicationID: applicationID, endpoint, lock: true, logger: logger)
            var stored = try Endpoint(postgresRow: row, columns: secretColumns)
            let (id, owner, wasDisabled) = (stored.id, stored.applicationID, stored.disabled)
            try change(&stored)
            (stored.id, stored.applicationID) = (id, owner)
            try await PostgresErrorCode.mappingConflicts("An endpoint with this uid already exists") {
                try await Self.saveEndpoint(connection, stored, insert: false, columns: secretColumns, logger: logger)
            }
            try await connection.rows(
                """
                UPDATE delivery SET fifo = \(stored.fifo)
                WHERE endpoint_id = \(id) AND fifo != \(stored.fifo) AND status IN (1, 3)
                """,
                logger: logger
            )
            if wasDisabled && !stored.disabled {
                let now = PostgresColumn.milliseconds(Date())
                try await connection.rows(
                    """
                    UPDATE delivery SET next_attempt_at = \(now) WHERE endpoint_id = \(id) AND status IN (1, 3)
                      AND (lease_expires_at IS NULL OR lease_expires_at <= \(now))
                    """,
                    logger: logger
                )
                try await connection.rows(
                    "UPDATE endpoint SET circuit = NULL, health = NULL, circuit_state = 'closed' WHERE id = \(id)",
                    logger: logger
                )
                stored.circuitState = "closed"
                try await connection.rows("SELECT pg_notify(\(Self.workChannel), '')", logger: logger)
            }
            return stored
        }
        ingestHandoff.withLock { $0 }?.endpointChanged(.updated(updated))
        return updated
    }

    public func deleteEndpoint(application: String, _ endpoint: String) async throws {
        let id = try await transaction { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let id = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
            try await connection.rows("DELETE FROM endpoint WHERE id = \(id)", logger: logger)
            return id
        }
        ingestHandoff.withLock { $0 }?.endpointChanged(.deleted(endpointID: id))
    }

    public func endpointStats(application: String, endpoint: String, since: Date?, until: Date?) async throws
        -> DeliveryStats
    {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let id = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
            let sinceMilliseconds = since.map(PostgresColumn.milliseconds)
            let untilMilliseconds = until.map(PostgresColumn.milliseconds)
            let rows = try await connection.rows(
                """
                SELECT status, count(*) AS n FROM delivery
                WHERE endpoint_id = \(id)
                  AND (\(sinceMilliseconds)::BIGINT IS NULL OR created_at >= \(sinceMilliseconds))
                  AND (\(untilMilliseconds)::BIGINT IS NULL OR created_at <= \(untilMilliseconds))
                GROUP BY status
                """,
                logger: logger
            )
            return try Self.countByStatus(rows)
        }
    }

    public func attemptStats(application: String, endpoint: String, since: Date?, until: Date?) async throws
        -> DeliveryStats
    {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let id = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
            let sinceMilliseconds = since.map(PostgresColumn.milliseconds)
            let untilMilliseconds = until.map(PostgresColumn.milliseconds)
            // `attempt_by_endpoint` orders by id, and attempt ids are time-ordered: `since` bounds the scan.
            let firstID = Identifier.lowerBound(prefix: Identifier.attemptPrefix, milliseconds: sinceMilliseconds ?? 0)
            let rows = try await connection.rows(
                """
                SELECT status, count(*) AS n FROM attempt
                WHERE app_id = \(applicationID) AND endpoint_id = \(id) AND id >= \(firstID)
                  AND (\(sinceMilliseconds)::BIGINT IS NULL OR created_at >= \(sinceMilliseconds))
                  AND (\(untilMilliseconds)::BIGINT IS NULL OR created_at <= \(untilMilliseconds))
                GROUP BY status
                """,
                logger: logger
            )
            return try Self.countByStatus(rows)
        }
    }

    /// The endpoints of an application, read once per group transaction.
    static func endpoints(_ context: PostgresWriteContext, applicationID: String, columns: SecretColumns) async throws
        -> [Endpoint]
    {
        if let cached = context.endpointsByApplication[applicationID] { return cached }
        let rows = try await context.connection.rows(
            "SELECT * FROM endpoint WHERE app_id = \(applicationID)",
            logger: context.logger
        )
        let endpoints = try rows.map { row in
            let endpoint = try Endpoint(postgresRow: row, columns: columns)
            context.endpointOwners[endpoint.id] = (
                try row.value("owner", as: String?.self), try row.value("owner_expires_at", as: Int64?.self)
            )
            return endpoint
        }
        context.endpointsByApplication[applicationID] = endpoints
        return endpoints
    }

    private static func saveEndpoint(
        _ connection: PostgresConnection,
        _ endpoint: Endpoint,
        insert: Bool,
        columns: SecretColumns,
        logger: Logger
    ) async throws {
        let eventTypes = try PostgresColumn.json(endpoint.eventTypes)
        let channels = try PostgresColumn.json(endpoint.channels)
        let metadata = try PostgresColumn.json(endpoint.metadata)
        let headers = try columns.sealHeaders(endpoint.headers, endpointID: endpoint.id)
        let secrets = try columns.sealSecrets(endpoint.secrets, endpointID: endpoint.id)
        let retrySchedule = try PostgresColumn.json(endpoint.retrySchedule)
        let createdAt = PostgresColumn.milliseconds(endpoint.createdAt)
        let updatedAt = PostgresColumn.milliseconds(endpoint.updatedAt)
        let query: PostgresQuery =
            insert
            ? """
            INSERT INTO endpoint (id, app_id, uid, url, description, disabled, event_types, channels, throttle_rate,
                metadata, headers, secrets, retry_schedule, fifo, created_at, updated_at)
            VALUES (\(endpoint.id), \(endpoint.applicationID), \(endpoint.uid), \(endpoint.url), \(endpoint.description),
                \(endpoint.disabled), \(eventTypes), \(channels), \(endpoint.throttleRate), \(metadata), \(headers),
                \(secrets), \(retrySchedule), \(endpoint.fifo), \(createdAt), \(updatedAt))
            """
            : """
            UPDATE endpoint SET uid = \(endpoint.uid), url = \(endpoint.url), description = \(endpoint.description),
                disabled = \(endpoint.disabled), event_types = \(eventTypes), channels = \(channels),
                throttle_rate = \(endpoint.throttleRate), metadata = \(metadata), headers = \(headers),
                secrets = \(secrets), retry_schedule = \(retrySchedule), fifo = \(endpoint.fifo),
                created_at = \(createdAt), updated_at = \(updatedAt)
            WHERE id = \(endpoint.id)
            """
        try await connection.rows(query, logger: logger)
    }
}

extension PostgresStore {
    /// The counts of rows `SELECT status, count(*) AS n … GROUP BY status` returned.
    fileprivate static func countByStatus(_ rows: [PostgresRandomAccessRow]) throws -> DeliveryStats {
        var stats = DeliveryStats()
        for row in rows {
            if let status = DeliveryStatus(rawValue: try row.value("status")) { stats[status] = try row.value("n") }
        }
        return stats
    }
}
