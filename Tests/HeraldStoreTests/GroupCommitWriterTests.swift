import Foundation
import GRDB
import Synchronization
import Testing

@testable import HeraldStore

/// A batch runs its jobs without savepoints first; these check that a job failing after it wrote still undoes
/// exactly its own writes, alone and in a batch with others.
@Suite struct GroupCommitWriterTests {
    private struct Fixture {
        let directory: URL
        let pool: DatabasePool
        let writer: GroupCommitWriter

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-gcw-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: directory.appendingPathComponent("t.sqlite").path)
            try pool.write { db in try db.execute(sql: "CREATE TABLE item (name TEXT PRIMARY KEY NOT NULL)") }
            writer = GroupCommitWriter(writer: pool)
        }

        /// Inserts `name` and `name-2`; a failing job then inserts `name` again, which the primary key refuses.
        func insert(_ name: String, failing: Bool, holdWriter: Bool = false) async -> Bool {
            let outcome = Mutex<Bool?>(nil)
            await writer.perform(
                GroupCommitWriter.Job(
                    run: { context in
                        let result = context.runJob {
                            if holdWriter { usleep(100_000) }  // lets the other jobs queue up into one batch
                            try context.db.execute(sql: "INSERT INTO item VALUES (?)", arguments: [name])
                            try context.db.execute(sql: "INSERT INTO item VALUES (?)", arguments: ["\(name)-2"])
                            if failing { try context.db.execute(sql: "INSERT INTO item VALUES (?)", arguments: [name]) }
                        }
                        outcome.withLock { $0 = (try? result.get()) != nil }
                    },
                    fail: { _ in outcome.withLock { $0 = false } }
                )
            )
            return outcome.withLock { $0 } ?? false
        }

        func names() throws -> Set<String> {
            try Set(pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM item") })
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func aLoneFailingJobLeavesNothingBehind() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect(await fixture.insert("bad", failing: true) == false)
        #expect(await fixture.insert("good", failing: false))
        #expect(try fixture.names() == ["good", "good-2"])
    }

    @Test func failingJobsInABatchUndoOnlyTheirOwnWrites() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let results = await withTaskGroup(of: (String, Bool).self) { group in
            group.addTask { ("first", await fixture.insert("first", failing: false, holdWriter: true)) }
            try? await Task.sleep(for: .milliseconds(20))
            for index in 0..<60 {
                group.addTask {
                    let name = "job\(index)"
                    return (name, await fixture.insert(name, failing: index % 7 == 3))
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        var expected: Set<String> = []
        for (name, succeeded) in results {
            let failing = name != "first" && Int(name.dropFirst(3))! % 7 == 3
            #expect(succeeded == !failing, "\(name)")
            if !failing { expected.formUnion([name, "\(name)-2"]) }
        }
        #expect(try fixture.names() == expected)
    }
}
