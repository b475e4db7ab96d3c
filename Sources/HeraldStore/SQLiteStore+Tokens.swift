import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertToken(_ token: APIToken) async throws {
        try await write { context in
            try context.db.execute(
                sql: "INSERT INTO api_token (id, name, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    token.id, token.name, token.hash, Column.milliseconds(token.createdAt),
                    Column.milliseconds(token.revokedAt),
                ]
            )
        }
    }

    public func token(hash: String) async throws -> APIToken? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM api_token WHERE hash = ? AND revoked_at IS NULL",
                arguments: [hash]
            ).map(Self.apiToken)
        }
    }

    public func tokenCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_token") ?? 0 }
    }

    public func tokens() async throws -> [APIToken] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at, id").map(Self.apiToken)
        }
    }

    public func revokeToken(_ id: String, now: Date) async throws -> APIToken {
        try await write { context in
            try context.db.execute(
                sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [Column.milliseconds(now), id]
            )
            guard let row = try Row.fetchOne(context.db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id])
            else { throw HeraldError.notFound("No API token with id \(id).") }
            return Self.apiToken(row)
        }
    }

    private static func apiToken(_ row: Row) -> APIToken {
        let revokedAt: Int64? = row["revoked_at"]
        return APIToken(
            id: row["id"],
            name: row["name"],
            hash: row["hash"],
            createdAt: Column.date(row["created_at"]),
            revokedAt: revokedAt.map(Column.date)
        )
    }
}
