import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func insertApplication(_ application: Application) async throws -> Application {
        try await read { connection in
            try await PostgresErrorCode.mappingConflicts("An application with this uid already exists") {
                try await Self.saveApplication(connection, application, insert: true, logger: logger)
            }
            return application
        }
    }

    public func application(_ application: String) async throws -> Application {
        try await read { connection in
            try await Application(postgresRow: Self.applicationRow(connection, application, logger: logger))
        }
    }

    public func applications(_ page: PageRequest) async throws -> Page<Application> {
        try await read { connection in
            let query = PostgresPagedQuery(select: "SELECT * FROM application", key: "id")
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map(Application.init(postgresRow:)), request: page, key: \.id)
        }
    }

    public func updateApplication(
        _ application: String,
        _ change: @escaping @Sendable (inout Application) throws -> Void
    ) async throws -> Application {
        try await transaction { connection in
            let id = try await Self.applicationID(connection, application, logger: logger)
            let row = try await connection.row("SELECT * FROM application WHERE id = \(id) FOR UPDATE", logger: logger)
            guard let row else { throw HeraldError.notFound("Application not found") }
            var stored = try Application(postgresRow: row)
            try change(&stored)
            stored.id = id
            try await PostgresErrorCode.mappingConflicts("An application with this uid already exists") {
                try await Self.saveApplication(connection, stored, insert: false, logger: logger)
            }
            return stored
        }
    }

    public func deleteApplication(_ application: String) async throws {
        try await transaction { connection in
            let id = try await Self.applicationID(connection, application, logger: logger)
            try await connection.rows("DELETE FROM attempt WHERE app_id = \(id)", logger: logger)
            try await connection.rows("DELETE FROM application WHERE id = \(id)", logger: logger)
        }
    }

    private static func saveApplication(
        _ connection: PostgresConnection,
        _ application: Application,
        insert: Bool,
        logger: Logger
    ) async throws {
        let metadata = try PostgresColumn.json(application.metadata)
        let createdAt = PostgresColumn.milliseconds(application.createdAt)
        let updatedAt = PostgresColumn.milliseconds(application.updatedAt)
        let query: PostgresQuery =
            insert
            ? """
            INSERT INTO application (id, uid, name, throttle_rate, metadata, created_at, updated_at)
            VALUES (\(application.id), \(application.uid), \(application.name), \(application.throttleRate),
                \(metadata), \(createdAt), \(updatedAt))
            """
            : """
            UPDATE application SET uid = \(application.uid), name = \(application.name),
                throttle_rate = \(application.throttleRate), metadata = \(metadata), created_at = \(createdAt),
                updated_at = \(updatedAt)
            WHERE id = \(application.id)
            """
        try await connection.rows(query, logger: logger)
    }
}
