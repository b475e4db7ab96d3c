import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func insertIntegration(_ integration: Integration) async throws -> Integration {
        try await transaction { connection in
            _ = try await Self.applicationID(connection, integration.applicationID, logger: logger)
            try await connection.rows(
                """
                INSERT INTO integration (id, app_id, name, feature_flags, token_id, created_at, updated_at)
                VALUES (\(integration.id), \(integration.applicationID), \(integration.name),
                    \(Integration.storedFlags(integration.featureFlags)), \(integration.tokenID),
                    \(PostgresColumn.milliseconds(integration.createdAt)),
                    \(PostgresColumn.milliseconds(integration.updatedAt)))
                """,
                logger: logger
            )
            return integration
        }
    }

    public func integrations(application: String, _ page: PageRequest) async throws -> Page<Integration> {
        try await read { connection in
            var query = PostgresPagedQuery(select: "SELECT * FROM integration", key: "id")
            query.filter("app_id = \(query.bind(application))")
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map(Integration.init(postgresRow:)), request: page, key: \.id)
        }
    }

    public func integration(application: String, _ id: String) async throws -> Integration {
        try await read { connection in try await Self.integration(connection, application, id, logger: logger) }
    }

    public func updateIntegration(_ integration: Integration) async throws -> Integration {
        try await transaction { connection in
            let stored = try await Self.integration(
                connection, integration.applicationID, integration.id, lock: true, logger: logger)
            try await connection.rows(
                """
                UPDATE integration SET name = \(integration.name),
                    feature_flags = \(Integration.storedFlags(integration.featureFlags)),
                    updated_at = \(PostgresColumn.milliseconds(integration.updatedAt))
                WHERE id = \(stored.id)
                """,
                logger: logger
            )
            if let tokenID = stored.tokenID {
                try await connection.rows(
                    "UPDATE api_token SET feature_flags = \(integration.keyScope.storedFeatureFlags) WHERE id = \(tokenID)",
                    logger: logger
                )
            }
            return try await Self.integration(connection, integration.applicationID, integration.id, logger: logger)
        }
    }

    public func deleteIntegration(application: String, _ id: String) async throws {
        try await transaction { connection in
            let stored = try await Self.integration(connection, application, id, lock: true, logger: logger)
            if let tokenID = stored.tokenID {
                try await connection.rows("DELETE FROM api_token WHERE id = \(tokenID)", logger: logger)
            }
            try await connection.rows("DELETE FROM integration WHERE id = \(stored.id)", logger: logger)
        }
    }

    public func rotateIntegrationKey(application: String, _ id: String, key: APIToken) async throws -> Integration {
        try await transaction { connection in
            let stored = try await Self.integration(connection, application, id, lock: true, logger: logger)
            if let tokenID = stored.tokenID {
                try await connection.rows("DELETE FROM api_token WHERE id = \(tokenID)", logger: logger)
            }
            try await Self.insertToken(connection, key, logger: logger)
            try await connection.rows(
                """
                UPDATE integration SET token_id = \(key.id), updated_at = \(PostgresColumn.milliseconds(key.createdAt))
                WHERE id = \(stored.id)
                """,
                logger: logger
            )
            return try await Self.integration(connection, application, id, logger: logger)
        }
    }

    /// The integration row; `lock` takes it FOR UPDATE, so that concurrent rotations follow one another.
    private static func integration(
        _ connection: PostgresConnection, _ application: String, _ id: String, lock: Bool = false, logger: Logger
    ) async throws -> Integration {
        // PostgreSQL text cannot hold NUL, so no id has one; querying with it would fail the transaction.
        guard !id.utf8.contains(0), !application.utf8.contains(0) else {
            throw HeraldError.notFound("Integration not found")
        }
        let query: PostgresQuery =
            lock
            ? "SELECT * FROM integration WHERE id = \(id) AND app_id = \(application) FOR UPDATE"
            : "SELECT * FROM integration WHERE id = \(id) AND app_id = \(application)"
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Integration not found")
        }
        return try Integration(postgresRow: row)
    }
}

extension Integration {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row.value("id"),
            applicationID: try row.value("app_id"),
            name: try row.value("name"),
            featureFlags: Self.flags(stored: try row.value("feature_flags", as: String?.self)),
            tokenID: try row.value("token_id", as: String?.self),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
