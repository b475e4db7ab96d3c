import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func claimIdempotencyKey(_ key: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim {
        try await write { context in
            let db = context.db
            let nowMilliseconds = Column.milliseconds(now)
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM idempotency_key WHERE key = ?", arguments: [key]) {
                let expiresAt: Int64 = row["expires_at"]
                if expiresAt > nowMilliseconds {
                    guard row["completed"] as Bool else { return .inProgress }
                    let body: Data? = row["body"]
                    return .completed(
                        StoredResponse(
                            status: row["status_code"], contentType: row["content_type"], body: [UInt8](body ?? Data()))
                    )
                }
                try db.execute(sql: "DELETE FROM idempotency_key WHERE key = ?", arguments: [key])
            }
            try db.execute(
                sql: "INSERT INTO idempotency_key (key, completed, expires_at) VALUES (?, 0, ?)",
                arguments: [key, nowMilliseconds + Int64(min(lifetime, idempotencyClaimTimeout) * 1000)]
            )
            return .acquired
        }
    }

    public func completeIdempotencyKey(_ key: String, response: StoredResponse, expiresAt: Date) async throws {
        try await write { context in
            try context.db.execute(
                sql: """
                    UPDATE idempotency_key SET completed = 1, status_code = ?, content_type = ?, body = ?, expires_at = ?
                    WHERE key = ?
                    """,
                arguments: [response.status, response.contentType, Data(response.body), Column.milliseconds(expiresAt), key]
            )
        }
    }

    public func releaseIdempotencyKey(_ key: String) async throws {
        try await write { context in
            try context.db.execute(sql: "DELETE FROM idempotency_key WHERE key = ? AND completed = 0", arguments: [key])
        }
    }
}
