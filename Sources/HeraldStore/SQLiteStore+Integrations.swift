import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertIntegration(_ integration: Integration) async throws -> Integration {
        try await write { context in
            _ = try Self.applicationID(context.db, integration.applicationID)
            try context.db.execute(
                sql: """
                    INSERT INTO integration (id, app_id, name, feature_flags, token_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    integration.id, integration.applicationID, integration.name,
                    Integration.storedFlags(integration.featureFlags), integration.tokenID,
                    Column.milliseconds(integration.createdAt), Column.milliseconds(integration.updatedAt),
                ]
            )
            return integration
        }
    }

    public func integrations(application: String, _ page: PageRequest) async throws -> Page<Integration> {
        try await read { db in
            var query = SQLitePagedQuery(select: "SELECT * FROM integration", key: "id")
            query.filter("app_id = ?", [application])
            return Page(fetched: try query.fetch(db, page).map(Integration.init(row:)), request: page, key: \.id)
        }
    }

    public func integration(application: String, _ id: String) async throws -> Integration {
        try await read { db in try Self.integration(db, application, id) }
    }

    public func updateIntegration(_ integration: Integration) async throws -> Integration {
        try await write { context in
            let stored = try Self.integration(context.db, integration.applicationID, integration.id)
            let flags = Integration.storedFlags(integration.featureFlags)
            try context.db.execute(
                sql: "UPDATE integration SET name = ?, feature_flags = ?, updated_at = ? WHERE id = ?",
                arguments: [integration.name, flags, Column.milliseconds(integration.updatedAt), stored.id]
            )
            if let tokenID = stored.tokenID {
                try context.db.execute(
                    sql: "UPDATE api_token SET feature_flags = ? WHERE id = ?",
                    arguments: [integration.keyScope.storedFeatureFlags, tokenID]
                )
            }
            return try Self.integration(context.db, integration.applicationID, integration.id)
        }
    }

    public func deleteIntegration(application: String, _ id: String) async throws {
        try await write { context in
            let stored = try Self.integration(context.db, application, id)
            if let tokenID = stored.tokenID {
                try context.db.execute(sql: "DELETE FROM api_token WHERE id = ?", arguments: [tokenID])
            }
            try context.db.execute(sql: "DELETE FROM integration WHERE id = ?", arguments: [stored.id])
        }
    }

    public func rotateIntegrationKey(application: String, _ id: String, key: APIToken) async throws -> Integration {
        try await write { context in
            let stored = try Self.integration(context.db, application, id)
            if let tokenID = stored.tokenID {
                try context.db.execute(sql: "DELETE FROM api_token WHERE id = ?", arguments: [tokenID])
            }
            try Self.insertToken(context.db, key)
            try context.db.execute(
                sql: "UPDATE integration SET token_id = ?, updated_at = ? WHERE id = ?",
                arguments: [key.id, Column.milliseconds(key.createdAt), stored.id]
            )
            return try Self.integration(context.db, application, id)
        }
    }

    private static func integration(_ db: Database, _ application: String, _ id: String) throws -> Integration {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM integration WHERE id = ? AND app_id = ?", arguments: [id, application])
        else { throw HeraldError.notFound("Integration not found") }
        return Integration(row: row)
    }
}

extension Integration {
    /// Feature flags as both stores keep them: comma-separated (flags have no commas), NULL for none given.
    public static func storedFlags(_ flags: [String]?) -> String? {
        flags?.joined(separator: ",")
    }

    /// The feature flags of ``storedFlags(_:)``.
    public static func flags(stored: String?) -> [String]? {
        stored.map { $0.isEmpty ? [] : $0.split(separator: ",").map(String.init) }
    }

    init(row: Row) {
        self.init(
            id: row["id"],
            applicationID: row["app_id"],
            name: row["name"],
            featureFlags: Self.flags(stored: row["feature_flags"]),
            tokenID: row["token_id"],
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"])
        )
    }
}
