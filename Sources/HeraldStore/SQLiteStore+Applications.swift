import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertApplication(_ application: Application) async throws -> Application {
        try await write { context in
            context.invalidate()
            try Self.mappingConflicts("An application with this uid already exists") {
                try Self.saveApplication(context.db, application, insert: true)
            }
            return application
        }
    }

    public func application(_ application: String) async throws -> Application {
        try await read { db in try Application(row: Self.applicationRow(db, application)) }
    }

    public func applications(_ page: PageRequest) async throws -> Page<Application> {
        try await read { db in
            let query = SQLitePagedQuery(select: "SELECT * FROM application", key: "id")
            return Page(fetched: try query.fetch(db, page).map(Application.init(row:)), request: page, key: \.id)
        }
    }

    public func updateApplication(
        _ application: String,
        _ change: @escaping @Sendable (inout Application) throws -> Void
    ) async throws -> Application {
        try await write { context in
            context.invalidate()
            var stored = try Application(row: Self.applicationRow(context.db, application))
            let id = stored.id
            try change(&stored)
            stored.id = id
            try Self.mappingConflicts("An application with this uid already exists") {
                try Self.saveApplication(context.db, stored, insert: false)
            }
            return stored
        }
    }

    public func deleteApplication(_ application: String) async throws {
        try await write { context in
            context.invalidate()
            let id = try Self.applicationID(context.db, application)
            try context.db.execute(sql: "DELETE FROM attempt WHERE app_id = ?", arguments: [id])
            try context.db.execute(sql: "DELETE FROM application WHERE id = ?", arguments: [id])
        }
    }

    private static func saveApplication(_ db: Database, _ application: Application, insert: Bool) throws {
        let arguments: StatementArguments = [
            application.uid, application.name, application.throttleRate, try Column.json(application.metadata),
            Column.milliseconds(application.createdAt), Column.milliseconds(application.updatedAt), application.id,
        ]
        let sql =
            insert
            ? """
            INSERT INTO application (uid, name, throttle_rate, metadata, created_at, updated_at, id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
            : """
            UPDATE application SET uid = ?, name = ?, throttle_rate = ?, metadata = ?, created_at = ?, updated_at = ?
            WHERE id = ?
            """
        try db.execute(sql: sql, arguments: arguments)
    }
}
