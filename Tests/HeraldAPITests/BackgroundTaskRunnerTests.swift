import Foundation
import HeraldCore
import HeraldStore
import Logging
import Synchronization
import Testing

@testable import HeraldAPI

/// Bulk tasks run apart from their requests: answered finished when quick, running otherwise, and never left running
/// once their process is gone.
@Suite struct BackgroundTaskRunnerTests {
    struct WorkFailed: Error {}

    /// A runner over a fresh store, running while `body` runs.
    static func withRunner(
        answerWithin: Duration = .milliseconds(50),
        heartbeat: Duration = .milliseconds(50),
        abandonAfter: TimeInterval = 300,
        _ body: @Sendable (BackgroundTaskRunner, SQLiteStore) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let runner = BackgroundTaskRunner(
            store: store, events: nil, logger: Logger(label: "test"), answerWithin: answerWithin, heartbeat: heartbeat,
            abandonAfter: abandonAfter)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            try await body(runner, store)
            runner.finish()
            try await group.waitForAll()
        }
    }

    /// Polls the task until it is no longer running (at most 30 s: the full suite loads this machine heavily).
    static func ended(_ id: String, _ store: any Store) async throws -> BackgroundTask {
        let deadline = Date().addingTimeInterval(30)
        while true {
            let task = try await store.backgroundTask(id)
            if task.status != .running || Date() > deadline { return task }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aQuickTaskIsAnsweredFinished() async throws {
        try await Self.withRunner(answerWithin: .seconds(5)) { runner, store in
            let task = try await runner.start(.endpointRecover, applicationID: "") { (3, nil) }
            #expect(task.status == .finished && task.count == 3)
            let stored = try await store.backgroundTask(task.id)
            #expect(stored.status == .finished && stored.count == 3)
        }
    }

    /// Work that holds its task open until the test lets it go, so no expectation depends on how fast this
    /// machine is.
    final class Gate: Sendable {
        private let open = Mutex(false)
        func release() { open.withLock { $0 = true } }
        func wait() async throws {
            while !open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// Polls until `condition` holds (at most 30 s); returns whether it did.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test func aLongTaskIsAnsweredRunningKeptAliveAndFinishedInTheBackground() async throws {
        try await Self.withRunner { runner, store in
            let gate = Gate()
            let task = try await runner.start(.endpointReplay, applicationID: "") {
                try await gate.wait()
                return (7, .object(["note": .string("slow")]))
            }
            #expect(task.status == .running && task.count == 0)
            let beat = try await Self.eventually { try await store.backgroundTask(task.id).updatedAt > task.updatedAt }
            #expect(beat, "no heartbeat")
            #expect(try await store.backgroundTask(task.id).status == .running)
            gate.release()
            let ended = try await Self.ended(task.id, store)
            #expect(ended.status == .finished && ended.count == 7 && ended.details == .object(["note": .string("slow")]))
        }
    }

    @Test func atMostFourTasksRunAtOnceAndTheWaitingOnesAreKeptAlive() async throws {
        try await Self.withRunner(abandonAfter: 0.5) { runner, store in
            let gate = Gate()
            let started = Mutex(0)
            var ids: [String] = []
            for _ in 0..<6 {
                let task = try await runner.start(.endpointReplay, applicationID: "") {
                    started.withLock { $0 += 1 }
                    try await gate.wait()
                    return (1, nil)
                }
                ids.append(task.id)
            }
            let four = BackgroundTaskRunner.maximumConcurrentTasks
            #expect(try await Self.eventually { started.withLock { $0 } == four })
            // The last two wait for a slot, longer than `abandonAfter`: the heartbeat keeps them running.
            let waiting = Array(ids.suffix(2))
            let waitedLong = try await Self.eventually {
                var long = true
                for id in waiting {
                    let task = try await store.backgroundTask(id)
                    long = long && task.updatedAt.timeIntervalSince(task.createdAt) > 1
                }
                return long
            }
            #expect(waitedLong)
            for id in waiting { #expect(try await store.backgroundTask(id).status == .running) }
            #expect(started.withLock { $0 } == four)
            gate.release()
            for id in ids { #expect(try await Self.ended(id, store).status == .finished) }
            #expect(started.withLock { $0 } == 6)
        }
    }

    @Test func aTaskWhoseWorkFailsIsRecordedFailed() async throws {
        try await Self.withRunner { runner, store in
            let task = try await runner.start(.applicationPurgeContent, applicationID: "") {
                try await Task.sleep(for: .milliseconds(100))
                throw WorkFailed()
            }
            #expect(try await Self.ended(task.id, store).status == .failed)
        }
    }

    @Test func afterShutdownBeginsNoTaskStartsAndThoseRunningEnd() async throws {
        try await Self.withRunner { runner, store in
            let running = try await runner.start(.endpointReplay, applicationID: "") {
                try await Task.sleep(for: .milliseconds(300))
                return (1, nil)
            }
            runner.finish()
            await #expect(throws: APIError.self) {
                _ = try await runner.start(.endpointReplay, applicationID: "") { (1, nil) }
            }
            let refused = try await store.backgroundTasks(
                filter: BackgroundTaskFilter(status: .failed), PageRequest(limit: 10, order: .ascending))
            #expect(refused.items.count == 1)
            #expect(try await Self.ended(running.id, store).status == .finished)
        }
    }

    @Test func aTaskLeftRunningByAStoppedProcessIsFailedBySweeping() async throws {
        try await Self.withRunner(abandonAfter: 0.5) { _, store in
            let orphan = BackgroundTask.running(.endpointRecover, now: Date().addingTimeInterval(-60))
            try await store.insertBackgroundTask(orphan)
            #expect(try await Self.ended(orphan.id, store).status == .failed)
        }
    }

    @Test func routesStartTasksOnTheRunnerAndAnswerWithTheTaskToPoll() async throws {
        try await TestAPI.run(tasks: {
            BackgroundTaskRunner(store: $0, events: nil, logger: Logger(label: "test"), answerWithin: .zero)
        }) { api in
            _ = try await api.createApplication(uid: "acme")
            let endpoint = try await api.createEndpoint(app: "acme")
            for _ in 0..<3 { _ = try await api.sendMessage(app: "acme") }
            let started = try await api.post(
                "/api/v1/app/acme/endpoint/\(endpoint)/replay-missing", #"{"since":"2020-01-01T00:00:00Z"}"#)
            #expect(started.status == .accepted && started["task"] == "endpoint.replay", "body: \(started.text)")
            let id = try #require(started["id"]?.string)
            let ended = try await Self.ended(id, api.store)
            // The endpoint had every message already: nothing was missing.
            #expect(ended.status == .finished && ended.count == 0)
            expectError(
                try await api.post("/api/v1/app/acme/endpoint/ep_nothing/recover", #"{"since":"2020-01-01T00:00:00Z"}"#),
                .notFound, code: "not_found")
            let purge = try await api.post("/api/v1/app/acme/msg/expunge-all-contents", "{}")
            let purged = try await Self.ended(try #require(purge["id"]?.string), api.store)
            #expect(purged.status == .finished && purged.count == 3)
        }
    }
}
