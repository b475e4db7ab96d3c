import Foundation
import GRDB
import HeraldCore
import Logging

extension SQLiteStore {
    public func insertToken(_ token: APIToken) async throws {
        try await write { context in try Self.insertToken(context.db, token) }
    }

    static func insertToken(_ db: Database, _ token: APIToken) throws {
        try db.execute(
            sql: """
                INSERT INTO api_token (id, name, hash, created_at, revoked_at, app_id, capabilities, session_id,
                    expires_at, feature_flags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                token.id, token.name, token.hash, Column.milliseconds(token.createdAt),
                Column.milliseconds(token.revokedAt), token.scope?.application, token.scope?.storedCapabilities,
                token.scope?.sessionID, Column.milliseconds(token.expiresAt), token.scope?.storedFeatureFlags,
            ]
        )
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
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_token WHERE app_id IS NULL") ?? 0
        }
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

    public func expireApplicationTokens(application: String, sessionIDs: [String]?, at: Date) async throws -> Int {
        try await write { context in
            let id = try Self.applicationID(context.db, application)
            let expiry = Column.milliseconds(at)
            var sql = """
                UPDATE api_token SET expires_at = ?
                WHERE app_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                """
            var arguments: StatementArguments = [expiry, id, expiry]
            if let sessionIDs {
                sql += " AND session_id IN (\(databaseQuestionMarks(count: sessionIDs.count)))"
                arguments += StatementArguments(sessionIDs)
            }
            try context.db.execute(sql: sql, arguments: arguments)
            return context.db.changesCount
        }
    }

    /// Calls `changed` with a token's id whenever any process commits a change to that API token (revoked,
    /// expired, deleted, given other feature flags), looking every `interval`, until the task is cancelled; and with
    /// nil once at the start. Other processes, `herald token revoke` among them, share the database file but no
    /// channel: the triggers of the `token_change` table record their changes, which this reads and then deletes.
    public func watchTokenChanges(
        interval: Duration = .seconds(1), logger: Logger,
        _ changed: @escaping @Sendable (_ tokenID: String?) async -> Void
    ) async throws {
        var seen = try await read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM token_change") } ?? 0
        try await forgetTokenChanges(through: seen)
        await changed(nil)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                let rows = try await read { [seen] db in
                    try Row.fetchAll(
                        db, sql: "SELECT seq, token_id FROM token_change WHERE seq > ? ORDER BY seq", arguments: [seen]
                    ).map { row -> (seq: Int64, tokenID: String) in (row["seq"], row["token_id"]) }
                }
                guard let last = rows.last?.seq else { continue }
                for row in rows { await changed(row.tokenID) }
                seen = last
                try await forgetTokenChanges(through: seen)
            } catch {
                logger.warning("Reading token changes failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }

    private func forgetTokenChanges(through seq: Int64) async throws {
        try await write { context in
            try context.db.execute(sql: "DELETE FROM token_change WHERE seq <= ?", arguments: [seq])
        }
    }

    private static func apiToken(_ row: Row) -> APIToken {
        let revokedAt: Int64? = row["revoked_at"]
        let expiresAt: Int64? = row["expires_at"]
        let application: String? = row["app_id"]
        let capabilities: String? = row["capabilities"]
        let featureFlags: String? = row["feature_flags"]
        return APIToken(
            id: row["id"],
            name: row["name"],
            hash: row["hash"],
            createdAt: Column.date(row["created_at"]),
            revokedAt: revokedAt.map(Column.date),
            scope: application.map {
                ApplicationTokenScope(
                    application: $0,
                    capabilities: ApplicationTokenScope.capabilities(stored: capabilities ?? ""),
                    sessionID: row["session_id"],
                    featureFlags: ApplicationTokenScope.featureFlags(stored: featureFlags)
                )
            },
            expiresAt: expiresAt.map(Column.date)
        )
    }
}
