import Foundation
import GRDB
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import herald

/// The background pruner and `herald prune`.
@Suite(.timeLimit(.minutes(1))) struct RetentionPrunerTests {
    /// Keeps the messages of log lines, to check what the pruner reported.
    final class LogLines: Sendable {
        let lines = Mutex<[String]>([])

        var logger: Logger {
            Logger(label: "test") { _ in Handler(lines: self) }
        }

        struct Handler: LogHandler {
            let lines: LogLines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                lines.lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
            }
        }
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-prune-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An application with one endpoint and `count` messages that each got one attempt 100 days ago.
    func seed(_ store: SQLiteStore, messages count: Int) async throws -> String {
        let now = Date()
        let app = try await store.insertApplication(
            Application(id: Identifier.make(prefix: "app_", milliseconds: 1), name: "Acme", createdAt: now, updatedAt: now))
        let endpoint = try await store.insertEndpoint(
            Endpoint(
                id: Identifier.make(prefix: "ep_", milliseconds: 1), applicationID: app.id, url: "https://example.com/hook",
                secrets: EndpointSecrets(current: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), createdAt: now, updatedAt: now))
        var outcomes = DeliveryOutcomes()
        for _ in 0..<count {
            let message = try await store.createMessage(
                application: app.id, NewMessage(eventType: "user.created", payload: Array("{}".utf8), retention: 86_400), now: now
            )
            let createdAt = now.addingTimeInterval(-100 * 86_400)
            let attempt = Attempt(
                id: Identifier.make(
                    prefix: Identifier.attemptPrefix, milliseconds: Int64(createdAt.timeIntervalSince1970 * 1000)),
                messageID: message.id, endpointID: endpoint.id, applicationID: app.id, url: endpoint.url, status: .fail,
                responseStatusCode: 500, response: "", durationMilliseconds: 1, trigger: .scheduled, attemptNumber: 1,
                createdAt: createdAt)
            outcomes.attempts.append(.init(attempt: attempt, next: .unchanged))
        }
        try await store.recordOutcomes(outcomes, now: now)
        return app.id
    }

    func pruner(_ store: SQLiteStore, logs: LogLines, interval: Duration = .seconds(3600)) -> RetentionPruner {
        RetentionPruner(
            store: store,
            configuration: .init(attemptRetention: 90 * 86_400, interval: interval, batchSize: 2, pause: .milliseconds(1)),
            logger: logs.logger,
            now: { Date().addingTimeInterval(2 * 86_400) }
        )
    }

    @Test func oneRoundPrunesBatchAfterBatchUntilNothingIsLeft() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/herald.sqlite", cipher: .random())
        _ = try await seed(store, messages: 5)
        let total = try await pruner(store, logs: LogLines()).pruneUntilDone()
        #expect(total == PruneResult(payloads: 5, attempts: 5, idempotencyKeys: 0))
        #expect(try await pruner(store, logs: LogLines()).pruneUntilDone() == PruneResult())
    }

    @Test func thePrunerLogsCountsSurvivesStoreErrorsAndStopsOnGracefulShutdown() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/herald.sqlite"
        let store = try SQLiteStore(path: path, cipher: .random())
        _ = try await seed(store, messages: 3)
        // A real store error: the database refuses to delete attempts until the trigger goes.
        let database = try DatabaseQueue(path: path)
        try await database.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE DELETE ON attempt BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        let logs = LogLines()
        let group = ServiceGroup(
            configuration: .init(
                services: [pruner(store, logs: logs, interval: .milliseconds(20))],
                logger: Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitUntil { logs.lines.withLock { $0.contains { $0.hasPrefix("error Pruning expired data failed") } } }
            try await database.write { db in try db.execute(sql: "DROP TRIGGER refuse") }
            try await waitUntil { logs.lines.withLock { $0.contains { $0.hasPrefix("info Pruned expired data") } } }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let info = logs.lines.withLock { $0.first { $0.hasPrefix("info Pruned expired data") } } ?? ""
        #expect(info.contains("attempts: 3") || info.contains(#""attempts": 3"#), "\(info)")
        #expect(
            try await store.pruneExpired(now: Date().addingTimeInterval(2 * 86_400), attemptRetention: 90 * 86_400, batchSize: 10)
                == PruneResult())
    }

    @Test func thePruneCommandRemovesExpiredAttempts() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try StoreOptions.parse(["--data-dir", directory]).openStore(environment: [:])
        let app = try await seed(store, messages: 3)
        let command = try Prune.parse(["--data-dir", directory, "--attempt-retention", "30d"])
        try await command.run()
        #expect(try await store.attempts(application: app, filter: AttemptFilter(), PageRequest(order: .ascending)).items.isEmpty)
        let bad = try Prune.parse(["--data-dir", directory, "--attempt-retention", "soon"])
        let error = await #expect(throws: CommandFailure.self) { try await bad.run() }
        #expect(error?.description.hasPrefix("--attempt-retention:") == true)
    }

    func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 10 seconds")
    }
}
