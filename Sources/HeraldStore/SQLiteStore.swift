import Foundation
import GRDB
import HeraldCore
import Synchronization

/// The embedded default store: one SQLite file in WAL mode with `synchronous=FULL`, so a write that returned
/// survives a crash of the process or the machine. Writes are group-committed (see ``GroupCommitWriter``).
/// Endpoint secrets and custom headers are sealed at rest with the main key (see ``SecretColumns``).
public final class SQLiteStore: Store {
    let pool: DatabasePool
    /// The database file.
    public let path: String
    private let committer: GroupCommitWriter
    let ingestHandoff = Mutex<IngestHandoff?>(nil)
    /// Message ids, in the order messages are created (FIFO endpoints deliver in id order).
    let messageIDs = MonotonicIdentifiers()
    /// Seals and opens the endpoint columns that hold secrets.
    let secretColumns: SecretColumns

    /// Opens (creating if needed) the database at `path`, migrates it to the current schema and seals any endpoint
    /// columns left in plaintext by a version before encryption.
    ///
    /// Throws a ``SecretCipherError`` when `cipher` does not open the secrets already stored (another main key).
    public init(path: String, cipher: SecretCipher) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        // Before the pool opens its connections: they write the log through it.
        SQLiteWALWriteCoalescing.install()
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches the writer to synchronous=NORMAL in WAL mode after `prepareDatabase`; with NORMAL a
        // commit is not fsynced and can be lost with the machine. Herald answers 202 only after the fsync.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.writerBackstopPages)")
        }
        try SQLiteSchema.migrator.migrate(pool)
        secretColumns = SecretColumns(cipher: cipher)
        try Self.checkMainKey(pool, secretColumns)
        try Self.sealPlaintextEndpointColumns(pool, secretColumns)
        committer = GroupCommitWriter(writer: pool)
    }

    /// Runs `work` inside a group-committed transaction and returns its result once durable.
    func write<T: Sendable>(_ work: @escaping @Sendable (WriteContext) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        let columns = secretColumns
        await committer.perform(
            GroupCommitWriter.Job(
                run: { context in
                    box.result = SQLiteSecrets.$columns.withValue(columns) { context.runJob { try work(context) } }
                },
                fail: { error in box.result = .failure(error) }
            )
        )
        guard let result = box.result else { throw HeraldError.conflict("the write did not run") }
        return try result.get()
    }

    public func installIngestHandoff(_ handoff: IngestHandoff?) {
        ingestHandoff.withLock { $0 = handoff }
    }

    func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let columns = secretColumns
        return try await pool.read { db in try SQLiteSecrets.$columns.withValue(columns) { try work(db) } }
    }
}

/// Carries a job's result from the writer's queue back to its caller. The writer's hand-off orders the accesses:
/// written inside the transaction, read after `perform` returns.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

extension SQLiteStore {
    /// The journal mode and the writer connection's synchronous level, for checks that durability settings hold.
    public func pragmas() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.writeWithoutTransaction { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }
}

extension SQLiteStore {
    /// Copies the write-ahead log into the main database file (used by backups and by tests that read the file).
    public func checkpoint() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
