import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func claimIdempotencyKey(_ key: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let claimExpiry = nowMilliseconds + Int64(min(lifetime, idempotencyClaimTimeout) * 1000)
        return try await read { connection in
            // One statement claims a free or lapsed key atomically; a key someone else holds returns no row.
            while true {
                let claimed = try await connection.row(
                    """
                    INSERT INTO idempotency_key (key, completed, expires_at) VALUES (\(key), false, \(claimExpiry))
                    ON CONFLICT (key) DO UPDATE SET completed = false, status_code = NULL, content_type = NULL,
                        body = NULL, expires_at = EXCLUDED.expires_at
                    WHERE idempotency_key.expires_at <= \(nowMilliseconds)
                    RETURNING key
                    """,
                    logger: logger
                )
                if claimed != nil { return .acquired }
                let row = try await connection.row(
                    """
                    SELECT completed, status_code, content_type, body FROM idempotency_key
                    WHERE key = \(key) AND expires_at > \(nowMilliseconds)
                    """,
                    logger: logger
                )
                // Released or lapsed in between: try to claim it again.
                guard let row else { continue }
                guard try row.value("completed", as: Bool.self) else { return .inProgress }
                let body: Data? = try row.value("body")
                return .completed(
                    StoredResponse(
                        status: try row.value("status_code"),
                        contentType: try row.value("content_type"),
                        body: [UInt8](body ?? Data())
                    )
                )
            }
        }
    }

    public func completeIdempotencyKey(_ key: String, response: StoredResponse, expiresAt: Date) async throws {
        try await read { connection in
            try await connection.rows(
                """
                UPDATE idempotency_key SET completed = true, status_code = \(response.status),
                    content_type = \(response.contentType), body = \(Data(response.body)),
                    expires_at = \(PostgresColumn.milliseconds(expiresAt))
                WHERE key = \(key)
                """,
                logger: logger
            )
        }
    }

    public func releaseIdempotencyKey(_ key: String) async throws {
        try await read { connection in
            try await connection.rows(
                "DELETE FROM idempotency_key WHERE key = \(key) AND completed = false",
                logger: logger
            )
        }
    }
}
