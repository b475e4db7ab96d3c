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
            ).map { row in
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
    }

    public func tokenCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_token") ?? 0 }
    }
}
