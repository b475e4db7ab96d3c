import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func pruneExpired(now: Date, attemptRetention: TimeInterval, batchSize: Int) async throws -> PruneResult {
        precondition(batchSize > 0, "batchSize must be positive")
        let nowMilliseconds = Column.milliseconds(now)
        let attemptCutoff = Column.milliseconds(now.addingTimeInterval(-attemptRetention))
        let taskCutoff = Identifier.lowerBound(prefix: Identifier.backgroundTaskPrefix, milliseconds: attemptCutoff)
        return try await write { context in
            let db = context.db
            // Each query walks an index in expiry order: message_payload_expiry, attempt_by_created,
            // idempotency_key_by_expiry, the time-ordered ids of background tasks, and api_token_by_expiry.
            try db.cachedStatement(
                sql: """
                    UPDATE message SET payload = NULL WHERE rowid IN (
                        SELECT rowid FROM message WHERE payload IS NOT NULL AND payload_expires_at <= ?
                        ORDER BY payload_expires_at LIMIT ?)
                    """
            ).execute(arguments: [nowMilliseconds, batchSize])
            let payloads = db.changesCount
            try db.cachedStatement(
                sql: """
                    DELETE FROM attempt WHERE id IN (
                        SELECT id FROM attempt WHERE created_at < ? ORDER BY created_at LIMIT ?)
                    """
            ).execute(arguments: [attemptCutoff, batchSize])
            let attempts = db.changesCount
            try db.cachedStatement(
                sql: """
                    DELETE FROM idempotency_key WHERE key IN (
                        SELECT key FROM idempotency_key WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)
                    """
            ).execute(arguments: [nowMilliseconds, batchSize])
            let idempotencyKeys = db.changesCount
            try db.cachedStatement(
                sql: """
                    DELETE FROM background_task WHERE id IN (
                        SELECT id FROM background_task WHERE id < ? ORDER BY id LIMIT ?)
                    """
            ).execute(arguments: [taskCutoff, batchSize])
            let backgroundTasks = db.changesCount
            try db.cachedStatement(
                sql: """
                    DELETE FROM api_token WHERE id IN (
                        SELECT id FROM api_token WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)
                    """
            ).execute(arguments: [nowMilliseconds, batchSize])
            return PruneResult(
                payloads: payloads, attempts: attempts, idempotencyKeys: idempotencyKeys,
                backgroundTasks: backgroundTasks, tokens: db.changesCount)
        }
    }
}
