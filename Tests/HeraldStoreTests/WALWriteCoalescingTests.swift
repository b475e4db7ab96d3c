import Foundation
import GRDBSQLite
import Testing

@testable import HeraldStore

/// The log-write coalescing VFS against real database files, with a second connection through SQLite's own unix
/// VFS standing in for another process.
@Suite struct WALWriteCoalescingTests {
    @Test func installingMakesItTheDefaultVFS() {
        SQLiteWALWriteCoalescing.install()
        #expect(SQLiteWALWriteCoalescing.isDefault)
    }

    @Test(arguments: ["FULL", "NORMAL"])
    func everyCommitIsInTheFileBeforeAnotherConnectionCanSeeIt(synchronous: String) throws {
        try withDatabase { path in
            let writer = try RawConnection(path: path, vfs: SQLiteWALWriteCoalescing.name)
            try writer.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = \(synchronous)")
            try writer.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            let other = try RawConnection(path: path, vfs: "unix")
            var expected = 0
            // One row, a few pages, a page-sized row, and a transaction past the flush threshold.
            for (rows, size) in [(1, 10), (40, 1_000), (3, 5_000), (400, 4_000)] {
                try writer.execute("BEGIN IMMEDIATE")
                for _ in 0..<rows {
                    try writer.execute("INSERT INTO item (body) VALUES (randomblob(\(size)))")
                }
                try writer.execute("COMMIT")
                expected += rows
                #expect(try other.integer("SELECT count(*) FROM item") == expected)
            }
            #expect(try other.text("PRAGMA integrity_check") == "ok")
        }
    }

    @Test func aRolledBackTransactionsSpilledPagesNeverOverwriteAnotherWritersCommit() throws {
        try withDatabase { path in
            let writer = try RawConnection(path: path, vfs: SQLiteWALWriteCoalescing.name)
            try writer.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
            try writer.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, body BLOB NOT NULL)")
            // With the log emptied, the rollback reloads pages from the database file and reads nothing from the log
            // (a read of the log would write what is collected). A tiny page cache makes the large transaction spill
            // frames into the log before it ends.
            try writer.execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA cache_size = 10")
            try writer.execute("BEGIN IMMEDIATE")
            for _ in 0..<60 {
                try writer.execute("INSERT INTO item (owner, body) VALUES ('spilled', randomblob(3000))")
            }
            try writer.execute("ROLLBACK")

            // Another process commits where the rolled-back frames were.
            let other = try RawConnection(path: path, vfs: "unix")
            try other.execute("INSERT INTO item (owner, body) VALUES ('other', randomblob(100))")
            // The first connection commits again; its frames follow the other's.
            try writer.execute("INSERT INTO item (owner, body) VALUES ('writer', randomblob(100))")

            let reader = try RawConnection(path: path, vfs: "unix")
            #expect(try reader.text("PRAGMA integrity_check") == "ok")
            #expect(try reader.integer("SELECT count(*) FROM item WHERE owner = 'other'") == 1)
            #expect(try reader.integer("SELECT count(*) FROM item WHERE owner = 'writer'") == 1)
            #expect(try reader.integer("SELECT count(*) FROM item WHERE owner = 'spilled'") == 0)
        }
    }

    @Test func theLogIsWrittenOnceAtTheCommitInPiecesUnder128KiB() throws {
        try withDatabase { path in
            let file = try RecordingFile(path: path + "-log")
            let buffer = LogWriteBuffer(capacity: 16)
            let page = [UInt8](repeating: 7, count: 4_096)
            var offset: Int64 = 32
            // 40 frames: a header and a page each; the last header marks the commit.
            for frame in 0..<40 {
                var header = [UInt8](repeating: 0, count: 24)
                if frame == 39 { header[7] = 1 }
                let headerCode = header.withUnsafeBytes {
                    buffer.collect($0.baseAddress!, count: 24, at: offset, into: file.file)
                }
                #expect(headerCode == SQLITE_OK)
                offset += 24
                #expect(file.writes.isEmpty || frame == 39)
                let pageCode = page.withUnsafeBytes {
                    buffer.collect($0.baseAddress!, count: 4_096, at: offset, into: file.file)
                }
                #expect(pageCode == SQLITE_OK)
                offset += 4_096
            }
            #expect(buffer.count == 0)
            #expect(file.writes.map(\.length) == [126_976, 37_824])
            #expect(file.writes.map(\.offset) == [32, 32 + 126_976])
            #expect(try file.size() == offset)
        }
    }

    @Test func aWriteThatDoesNotContinueTheBufferOverwritesInPlaceOrWritesFirst() throws {
        try withDatabase { path in
            let file = try RecordingFile(path: path + "-log")
            let buffer = LogWriteBuffer()
            let bytes = { (value: UInt8, count: Int) in [UInt8](repeating: value, count: count) }
            _ = bytes(1, 100).withUnsafeBytes { buffer.collect($0.baseAddress!, count: 100, at: 0, into: file.file) }
            // Inside what is collected: overwritten there, nothing written yet.
            _ = bytes(2, 10).withUnsafeBytes { buffer.collect($0.baseAddress!, count: 10, at: 50, into: file.file) }
            #expect(file.writes.isEmpty)
            // Elsewhere: what was collected is written first.
            _ = bytes(3, 10).withUnsafeBytes { buffer.collect($0.baseAddress!, count: 10, at: 500, into: file.file) }
            #expect(file.writes.map(\.offset) == [0])
            #expect(buffer.write(to: file.file) == SQLITE_OK)
            let contents = try file.contents()
            #expect(Array(contents[0..<50]) == bytes(1, 50))
            #expect(Array(contents[50..<60]) == bytes(2, 10))
            #expect(Array(contents[500..<510]) == bytes(3, 10))
        }
    }

    private func withDatabase(_ body: (String) throws -> Void) throws {
        SQLiteWALWriteCoalescing.install()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory.appendingPathComponent("test.sqlite").path)
    }
}
