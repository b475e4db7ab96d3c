import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The store for running several Herald instances on one shared PostgreSQL database.
///
/// Instances are stateless: they share due deliveries through leases taken with `FOR UPDATE SKIP LOCKED`, and
/// tell each other about new due work with `NOTIFY herald_work` (see ``listenForWork(_:)``). Message creation is
/// group-committed like on SQLite (see ``PostgresGroupCommitter``). Times are stored as integer milliseconds, so
/// both stores return the same values.
///
/// The store is a `Service`: its ``run()`` runs the connection pool, and every query waits until it runs. Add it to
/// the `ServiceGroup` before the services that use it (the group stops services in reverse order, so the pool
/// closes last), then call ``migrate()`` before serving:
///
/// ```swift
/// let store = try PostgresStore(url: "postgres://herald:secret@db:5432/herald", cipher: cipher, logger: logger)
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { await store.run() }
///     try await store.migrate()
///     …
/// }
/// ```
public final class PostgresStore: Store, Service {
    /// The NOTIFY channel for "new work is due".
    public static let workChannel = "herald_work"
    /// The NOTIFY channel for "this API token changed" (revoked, expired, deleted, its flags changed): the payload is
    /// the token's id. A trigger on `api_token` sends it, whatever changed the row.
    public static let tokenChannel = "herald_tokens"

    /// The connection pool. ``run()`` runs it.
    public let client: PostgresClient
    public let configuration: PostgresStoreConfiguration
    /// Logs queries at info level or above only, so bound values (payloads, secrets) never reach a log.
    let logger: Logger
    /// Group-commits message creation.
    let ingest: PostgresGroupCommitter<PostgresIngestJob>
    /// Seals endpoint secrets and headers with the main key; every instance must use the same key.
    let secretColumns: SecretColumns
    let ingestHandoff = Mutex<IngestHandoff?>(nil)
    /// Message ids, in the order this instance creates messages (FIFO endpoints deliver in id order).
    let messageIDs: MonotonicIdentifiers

    /// A store for the database `url` names (see ``PostgresStoreConfiguration`` for the accepted form).
    /// `cipher` seals endpoint secrets and custom headers at rest (see ``SecretColumns``).
    public convenience init(url: String, cipher: SecretCipher, logger: Logger) throws {
        self.init(configuration: try PostgresStoreConfiguration(url: url), cipher: cipher, logger: logger)
    }

    public init(configuration: PostgresStoreConfiguration, cipher: SecretCipher, logger: Logger) {
        secretColumns = SecretColumns(cipher: cipher)
        var logger = logger
        logger.logLevel = max(logger.logLevel, .info)
        self.configuration = configuration
        self.logger = logger
        client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        let columns = secretColumns
        let messageIDs = MonotonicIdentifiers()
        self.messageIDs = messageIDs
        ingest = PostgresGroupCommitter(
            client: client,
            logger: logger,
            runBatch: { jobs, context in try await PostgresIngest.run(jobs, context, columns: columns, ids: messageIDs) },
            fail: { job, error in job.result.result = .failure(error) }
        )
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down gracefully.
    public func run() async {
        await client.run()
    }

    /// Brings the schema up to date. Safe when several instances start at once: migrations run in one transaction
    /// under a transaction-scoped advisory lock, and each is recorded in `herald_migration` once applied.
    public func migrate() async throws {
        try await transaction { connection in
            try await connection.rows("SELECT pg_advisory_xact_lock(\(PostgresSchema.advisoryLockKey))", logger: logger)
            try await connection.rows(
                "CREATE TABLE IF NOT EXISTS herald_migration (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: logger
            )
            let applied = Set(
                try await connection.rows("SELECT name FROM herald_migration", logger: logger).map {
                    try $0.value("name", as: String.self)
                }
            )
            let known = Set(PostgresSchema.migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw PostgresStoreError.schemaTooNew("unknown migration \(unknown)")
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = PostgresColumn.milliseconds(Date())
                try await connection.rows(
                    "INSERT INTO herald_migration (name, applied_at) VALUES (\(migration.name), \(now))",
                    logger: logger
                )
            }
        }
    }

    public func installIngestHandoff(_ handoff: IngestHandoff?) {
        ingestHandoff.withLock { $0 = handoff }
    }

    /// Runs `body` in a transaction of its own, once more after a deadlock or serialization failure.
    @discardableResult
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.transaction(logger: logger, body)
                }
            } catch  where PostgresErrorCode.isRetryable(error) && attempt < 2 {
                attempt += 1
            }
        }
    }

    /// Runs `body` on a pooled connection outside any explicit transaction (reads, single statements).
    @discardableResult
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection) }
    }
}
