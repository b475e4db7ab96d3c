import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func insertToken(_ token: APIToken) async throws {
        try await read { connection in try await Self.insertToken(connection, token, logger: logger) }
    }

    static func insertToken(_ connection: PostgresConnection, _ token: APIToken, logger: Logger) async throws {
        try await PostgresErrorCode.mappingConflicts("A token with this id already exists") {
            try await connection.rows(
                """
                INSERT INTO api_token (id, name, hash, created_at, revoked_at, app_id, capabilities, session_id,
                    expires_at, feature_flags)
                VALUES (\(token.id), \(token.name), \(token.hash), \(PostgresColumn.milliseconds(token.createdAt)),
                    \(token.revokedAt.map(PostgresColumn.milliseconds)), \(token.scope?.application),
                    \(token.scope?.storedCapabilities), \(token.scope?.sessionID),
                    \(token.expiresAt.map(PostgresColumn.milliseconds)), \(token.scope?.storedFeatureFlags))
                """,
                logger: logger
            )
        }
    }

    public func token(hash: String) async throws -> APIToken? {
        try await read { connection in
            let row = try await connection.row(
                "SELECT * FROM api_token WHERE hash = \(hash) AND revoked_at IS NULL",
                logger: logger
            )
            return try row.map(APIToken.init(postgresRow:))
        }
    }

    public func tokenCount() async throws -> Int {
        try await read { connection in
            try await connection.count("SELECT count(*) FROM api_token WHERE app_id IS NULL", logger: logger)
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await read { connection in
            try await connection.rows("SELECT * FROM api_token ORDER BY created_at, id", logger: logger)
                .map(APIToken.init(postgresRow:))
        }
    }

    public func revokeToken(_ id: String, now: Date) async throws -> APIToken {
        try await transaction { connection in
            try await connection.rows(
                """
                UPDATE api_token SET revoked_at = \(PostgresColumn.milliseconds(now))
                WHERE id = \(id) AND revoked_at IS NULL
                """,
                logger: logger
            )
            guard let row = try await connection.row("SELECT * FROM api_token WHERE id = \(id)", logger: logger) else {
                throw HeraldError.notFound("No API token with id \(id).")
            }
            return try APIToken(postgresRow: row)
        }
    }
}

extension PostgresStore {
    public func expireApplicationTokens(application: String, sessionIDs: [String]?, at: Date) async throws -> Int {
        try await transaction { connection in
            let id = try await Self.applicationID(connection, application, logger: logger)
            let expiry = PostgresColumn.milliseconds(at)
            let query: PostgresQuery = """
                WITH expired AS (
                    UPDATE api_token SET expires_at = \(expiry)
                    WHERE app_id = \(id) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(expiry))
                        AND (\(sessionIDs == nil) OR session_id = ANY(\(sessionIDs ?? [])::TEXT[]))
                    RETURNING 1
                )
                SELECT count(*) FROM expired
                """
            return try await connection.count(query, logger: logger)
        }
    }
}

extension APIToken {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        let application: String? = try row.value("app_id")
        let capabilities: String? = try row.value("capabilities")
        let sessionID: String? = try row.value("session_id")
        let featureFlags: String? = try row.value("feature_flags")
        self.init(
            id: try row.value("id"),
            name: try row.value("name"),
            hash: try row.value("hash"),
            createdAt: try row.date("created_at"),
            revokedAt: try row.optionalDate("revoked_at"),
            scope: application.map {
                ApplicationTokenScope(
                    application: $0,
                    capabilities: ApplicationTokenScope.capabilities(stored: capabilities ?? ""),
                    sessionID: sessionID,
                    featureFlags: ApplicationTokenScope.featureFlags(stored: featureFlags)
                )
            },
            expiresAt: try row.optionalDate("expires_at")
        )
    }
}
