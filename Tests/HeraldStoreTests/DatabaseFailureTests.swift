import Foundation
import GRDB
import HeraldCore
import HeraldPostgres
import HeraldStore
import Logging
import PostgresNIO
import Testing

/// Which real database errors mean "the database cannot serve right now" (the API's 503), and what the log says of
/// them. Each error here comes from SQLite or PostgreSQL itself, in the condition it names.
@Suite struct DatabaseFailureTests {
    static func failure(_ work: () async throws -> Void) async -> (any DatabaseFailure)? {
        do {
            try await work()
            return nil
        } catch {
            return error as? any DatabaseFailure
        }
    }

    /// A connection of its own to the test server's administrative database (not through a store's pool).
    static func connect(id: Int, logger: Logger) async throws -> PostgresConnection {
        let server = try PostgresTestServer.required().configuration
        let configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username, password: server.password,
            database: server.database, tls: .disable)
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
    }

    /// Another process holds the write lock past the busy timeout (a backup, `herald token revoke`, sqlite3).
    @Test func aWriteLockHeldElsewhereMakesTheStoreUnavailable() async throws {
        try await withStore(.sqlite) { store, path in
            let other = try RawConnection(path: path, vfs: "unix")
            try other.execute("BEGIN IMMEDIATE")
            let failure = await Self.failure { _ = try await store.insertApplication(makeApplication()) }
            try other.execute("ROLLBACK")
            #expect(failure?.isUnavailable == true)
            #expect(failure?.logDescription.hasPrefix("SQLite error 5 (") == true, "\(String(describing: failure))")
            #expect(failure?.logDescription.contains("database is locked") == true)
            _ = try await store.insertApplication(makeApplication())
        }
    }

    /// A database that cannot grow (here capped with max_page_count, as a full disk caps it).
    @Test func aFullDatabaseIsUnavailableAndABrokenConstraintIsNot() async throws {
        let queue = try DatabaseQueue()
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
            try db.execute(sql: "INSERT INTO t (id) VALUES (1)")
        }
        let full = await Self.failure {
            try await queue.write { db in
                try db.execute(sql: "PRAGMA max_page_count = \(try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1)")
                try db.execute(sql: "INSERT INTO t (body) VALUES (zeroblob(1000000))")
            }
        }
        #expect(full?.isUnavailable == true)
        #expect(full?.logDescription.contains("database or disk is full") == true, "\(String(describing: full))")
        let constraint = await Self.failure {
            try await queue.write { db in try db.execute(sql: "INSERT INTO t (id) VALUES (1)") }
        }
        #expect(constraint != nil && constraint?.isUnavailable == false, "\(String(describing: constraint))")
    }

    @Test(.enabled(if: PostgresTestServer.available != nil, "needs HERALD_TEST_DATABASE_URL (ops/postgres/test-server.sh)"))
    func aConnectionTheServerEndsIsUnavailableAndADivisionByZeroIsNot() async throws {
        let logger = Logger(label: "test")
        let admin = try await Self.connect(id: 1, logger: logger)
        let victim = try await Self.connect(id: 2, logger: logger)
        let division = await Self.failure { for try await _ in try await admin.query("SELECT 1 / 0", logger: logger) {} }
        #expect(division?.isUnavailable == false)
        #expect(division?.logDescription.hasPrefix("PostgreSQL server error 22012: division by zero") == true)

        // An administrator (or a failover) ends the backend of a connection while it runs a query.
        var pid: Int32 = 0
        for try await value in try await victim.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) {
            pid = value
        }
        let running = Task {
            await Self.failure { for try await _ in try await victim.query("SELECT pg_sleep(30)", logger: logger) {} }
        }
        for _ in 0..<200 {
            var active = 0
            let rows = try await admin.query(
                "SELECT count(*)::int4 FROM pg_stat_activity WHERE pid = \(pid) AND state = 'active'", logger: logger)
            for try await count in rows.decode(Int32.self) { active = Int(count) }
            if active == 1 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        for try await _ in try await admin.query("SELECT pg_terminate_backend(\(pid))", logger: logger) {}
        let terminated = await running.value
        #expect(terminated?.isUnavailable == true, "\(String(describing: terminated))")
        #expect(
            terminated?.logDescription.hasPrefix("PostgreSQL server error 57P01") == true, "\(String(describing: terminated))")
        try? await victim.close()
        try await admin.close()
    }
}

extension DatabaseFailureTests {
    /// A failover or an administrator ends every idle connection of the pool: the store's next operations either
    /// succeed on new connections or fail as unavailable; none hangs.
    @Test(.enabled(if: PostgresTestServer.available != nil, "needs HERALD_TEST_DATABASE_URL (ops/postgres/test-server.sh)"))
    func aPoolWhoseIdleConnectionsTheServerEndedRecovers() async throws {
        let server = try PostgresTestServer.required()
        try await server.withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 1) { stores in
                let store = stores[0]
                _ = try await store.insertApplication(makeApplication(uid: "before"))
                let logger = Logger(label: "test")
                let admin = try await Self.connect(id: 1, logger: logger)
                let database = String(url.split(separator: "/").last?.split(separator: "?").first ?? "")
                var ended = 0
                for try await _ in try await admin.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(database)", logger: logger)
                {
                    ended += 1
                }
                try await admin.close()
                #expect(ended >= 1)
                var outcomes: [String] = []
                for index in 0..<5 {
                    do {
                        _ = try await store.insertApplication(makeApplication(uid: "after-\(index)"))
                        outcomes.append("ok")
                    } catch let failure as any DatabaseFailure where failure.isUnavailable {
                        outcomes.append("unavailable")
                    }
                }
                #expect(outcomes.last == "ok", "\(outcomes)")
            }
        }
    }
}
