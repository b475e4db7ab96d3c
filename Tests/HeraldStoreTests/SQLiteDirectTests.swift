import CHeraldSQLite
import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import HeraldStore

/// The direct C API path of the hot writes (``SQLiteDirect``), which binds text and blobs in place, and the process
/// settings SQLite gets before it starts.
@Suite struct SQLiteDirectTests {
    private static let schema = "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, note TEXT, body BLOB, size INTEGER)"

    @Test func boundTextAndBlobsAreStoredAsGiven() throws {
        let queue = try DatabaseQueue()
        let long = String(repeating: "é-long text ", count: 40)
        var random = SystemRandomNumberGenerator()
        let body = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &random) }
        // A small string (kept inline, lent from a temporary copy), a long one, empty values, a NULL.
        let rows: [[SQLiteDirect.Value]] = [
            [.integer(1), .text("app_1"), .text(long), .blob(body), .integer(Int64(body.count))],
            [.integer(2), .text(""), .null, .blob([]), .integer(0)],
            [.integer(3), .text(long), .text("x"), .blob([7]), .null],
        ]
        let stored = try queue.write { db in
            try db.execute(sql: Self.schema)
            let insert = try db.cachedStatement(sql: "INSERT INTO item (id, name, note, body, size) VALUES (?, ?, ?, ?, ?)")
            for row in rows { try SQLiteDirect.run(insert, row) }
            let select = try db.cachedStatement(
                sql: "SELECT typeof(name) || ':' || name, typeof(note) || ':' || coalesce(note, ''), body, size FROM item "
                    + "WHERE id >= ? ORDER BY id"
            )
            return try SQLiteDirect.query(select, [.integer(1)]) { columns in
                Item(name: columns.text(0), note: columns.text(1), body: columns.blob(2), size: columns.optionalInteger(3))
            }
        }
        #expect(
            stored == [
                Item(name: "text:app_1", note: "text:" + long, body: body, size: 4_096),
                Item(name: "text:", note: "null:", body: [], size: 0),
                Item(name: "text:" + long, note: "text:x", body: [7], size: nil),
            ]
        )
    }

    @Test func aSelectReadsItsBoundParametersWhileTheyAreBound() throws {
        let queue = try DatabaseQueue()
        let joined = try queue.read { db in
            let select = try db.cachedStatement(sql: "SELECT ? || '|' || ?, length(?)")
            return try SQLiteDirect.query(select, [.text("msg_2"), .text(String(repeating: "b", count: 300)), .blob([1, 2, 3])]) {
                "\($0.text(0)) \($0.integer(1))"
            }
        }
        #expect(joined == ["msg_2|" + String(repeating: "b", count: 300) + " 3"])
    }

    @Test func aFailedRunLeavesTheStatementReusable() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: Self.schema)
            let insert = try db.cachedStatement(sql: "INSERT INTO item (id, name) VALUES (?, ?)")
            try SQLiteDirect.run(insert, [.integer(1), .text("first")])
            #expect(throws: DatabaseError.self) { try SQLiteDirect.run(insert, [.integer(1), .text("again")]) }
            #expect(throws: DatabaseError.self) { try SQLiteDirect.run(insert, [.integer(2)]) }
            // No parameter of a failed run stays bound: an unbound parameter is NULL.
            try SQLiteDirect.run(insert, [.integer(2), .null])
            #expect(try String.fetchAll(db, sql: "SELECT coalesce(name, 'NULL') FROM item ORDER BY id") == ["first", "NULL"])
        }
    }

    /// `ProcessConfiguration.c` turns SQLite's memory statistics off when the process loads: with them on, every
    /// allocation SQLite makes takes a process-wide lock.
    @Test func sqliteKeepsNoMemoryStatistics() async throws {
        #expect(herald_sqlite_memory_statistics_result() == SQLITE_OK)
        try await withStore(.sqlite) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id))
            _ = try await store.createMessage(application: app.id, makeMessage("user.created"), now: Date())
        }
        // Counted only while statistics are kept; SQLite has allocated plenty by now.
        #expect(sqlite3_memory_highwater(0) == 0)
    }

    private struct Item: Equatable {
        /// `typeof(column):value`.
        let name: String
        let note: String
        let body: [UInt8]?
        let size: Int64?
    }
}
