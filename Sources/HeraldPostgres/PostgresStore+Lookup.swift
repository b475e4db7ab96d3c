import HeraldCore
import Logging
import PostgresNIO

/// Id-or-uid resolution shared by every query. Ids win over uids when both could match.
extension PostgresStore {
    static func applicationRow(_ connection: PostgresConnection, _ application: String, logger: Logger) async throws
        -> PostgresRandomAccessRow
    {
        let query: PostgresQuery = """
            SELECT * FROM application WHERE id = \(application) OR uid = \(application)
            ORDER BY id = \(application) DESC LIMIT 1
            """
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Application not found")
        }
        return row
    }

    static func applicationID(_ connection: PostgresConnection, _ application: String, logger: Logger) async throws
        -> String
    {
        // PostgreSQL text cannot hold NUL, so no application has one; querying with it would fail the transaction.
        guard !application.contains("\u{0}") else { throw HeraldError.notFound("Application not found") }
        let query: PostgresQuery = """
            SELECT id FROM application WHERE id = \(application) OR uid = \(application)
            ORDER BY id = \(application) DESC LIMIT 1
            """
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Application not found")
        }
        return try row.value("id")
    }

    /// The endpoint row; `lock` takes it FOR UPDATE for a read-modify-write.
    static func endpointRow(
        _ connection: PostgresConnection,
        applicationID: String,
        _ endpoint: String,
        lock: Bool = false,
        logger: Logger
    ) async throws -> PostgresRandomAccessRow {
        let query: PostgresQuery = """
            SELECT * FROM endpoint WHERE app_id = \(applicationID) AND (id = \(endpoint) OR uid = \(endpoint))
            ORDER BY id = \(endpoint) DESC LIMIT 1 \(unescaped: lock ? "FOR UPDATE" : "")
            """
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Endpoint not found")
        }
        return row
    }

    static func endpointID(_ connection: PostgresConnection, applicationID: String, _ endpoint: String, logger: Logger)
        async throws -> String
    {
        try await endpointRow(connection, applicationID: applicationID, endpoint, logger: logger).value("id")
    }

    static func messageRow(_ connection: PostgresConnection, applicationID: String, _ message: String, logger: Logger)
        async throws -> PostgresRandomAccessRow
    {
        let query: PostgresQuery = """
            SELECT * FROM message WHERE app_id = \(applicationID) AND (id = \(message) OR event_id = \(message))
            ORDER BY id = \(message) DESC LIMIT 1
            """
        guard let row = try await connection.row(query, logger: logger) else {
            throw HeraldError.notFound("Message not found")
        }
        return row
    }

    static func messageID(_ connection: PostgresConnection, applicationID: String, _ message: String, logger: Logger)
        async throws -> String
    {
        try await messageRow(connection, applicationID: applicationID, message, logger: logger).value("id")
    }
}
