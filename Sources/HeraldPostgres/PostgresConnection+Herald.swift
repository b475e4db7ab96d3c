import HeraldCore
import Logging
import PostgresNIO

/// Small conveniences over PostgresNIO's connection used by every query of the store.
extension PostgresConnection {
    /// Runs `query` and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs `query` and returns its first row, if any.
    func row(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRandomAccessRow? {
        try await rows(query, logger: logger).first
    }

    /// Runs a query whose first row's first column is a count (`SELECT count(*) …`).
    func count(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        guard let row = try await rows(query, logger: logger).first, row.count > 0 else { return 0 }
        return try row[0].decode(Int.self)
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws. Errors pass through unwrapped
    /// (PostgresNIO's own `withTransaction` wraps them), so ``HeraldError``s reach the caller as they are.
    func transaction<T>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query("BEGIN", logger: logger)
        do {
            let value = try await body(self)
            try await query("COMMIT", logger: logger)
            return value
        } catch {
            _ = try? await query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

/// Which PostgreSQL errors mean what to Herald.
enum PostgresErrorCode {
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func isUniqueViolation(_ error: any Error) -> Bool { sqlState(error) == "23505" }

    /// A deadlock or serialization failure: the transaction may simply be run again.
    static func isRetryable(_ error: any Error) -> Bool {
        let state = sqlState(error)
        return state == "40P01" || state == "40001"
    }

    /// Runs `body`, turning unique-constraint violations into ``HeraldError/conflict(_:)``.
    @discardableResult
    static func mappingConflicts<T>(_ detail: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch  where isUniqueViolation(error) {
            throw HeraldError.conflict(detail)
        }
    }
}
