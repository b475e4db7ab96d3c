import Foundation
import HeraldAPI
import HeraldCore
import HeraldStore
import Hummingbird
import HummingbirdTesting
import Testing

/// After the pruner ran: messages still read (without payload), resend of a pruned payload is 410, and attempt
/// lists no longer show pruned attempts.
@Suite struct RetentionRouteTests {
    /// The resend route's engine reduced to the store's part: the store refuses a pruned payload before any request.
    struct StoreOnlyResend: ManualDelivery {
        let store: SQLiteStore

        func resend(application: String, message: String, endpoint: String) async throws -> Attempt {
            _ = try await store.deliveryForResend(application: application, message: message, endpoint: endpoint, now: Date())
            throw HeraldError.conflict("this test engine makes no requests")
        }
    }

    /// Like ``TestAPI/run(_:)``, with the resend route served.
    static func run(_ body: @Sendable (TestAPI) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let router = HeraldRouter.make(
            store: store, configuration: TestAPI.configuration, delivery: StoreOnlyResend(store: store))
        try await Hummingbird.Application(responder: HeraldResponder(router)).test(.router) { client in
            try await body(TestAPI(client: client, store: store))
        }
    }

    @Test func afterPruningMessagesReadWithoutPayloadResendIsGoneAndPrunedAttemptsAreNotListed() async throws {
        try await Self.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let short = try #require(
                try await api.sendMessage(
                    app: app, #"{"eventType":"user.created","payload":{"n":1},"payloadRetentionPeriod":1}"#
                )["id"]?.string
            )
            let kept = try await api.sendMessage(app: app)
            let now = Date()
            let old = makeAttempt(app: app, message: short, endpoint: endpoint, at: now.addingTimeInterval(-10 * 86_400))
            let recent = makeAttempt(app: app, message: short, endpoint: endpoint, at: now.addingTimeInterval(-3600))
            try await api.record([old, recent], next: .unchanged)
            #expect(try await api.get("/api/v1/app/\(app)/attempt/msg/\(short)").ids.count == 2)

            // Two days on, with attempts kept a week: the one-day payload and the ten-day-old attempt go.
            let pruned = try await api.store.pruneExpired(
                now: now.addingTimeInterval(2 * 86_400),
                attemptRetention: 7 * 86_400,
                batchSize: 100
            )
            #expect(pruned == PruneResult(payloads: 1, attempts: 1, idempotencyKeys: 0))

            let message = try await api.get("/api/v1/app/\(app)/msg/\(short)")
            #expect(message.status == .ok, "\(message.text)")
            #expect(message["id"] == .string(short))
            #expect(message["eventType"] == "user.created")
            #expect(message["payload"] == [:])
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(kept)")["payload"] == ["n": 1])

            expectError(
                try await api.post("/api/v1/app/\(app)/msg/\(short)/endpoint/\(endpoint)/resend", ""),
                .gone,
                code: "gone"
            )

            let attempts = try await api.get("/api/v1/app/\(app)/attempt/msg/\(short)")
            #expect(attempts.status == .ok)
            #expect(attempts.ids == [recent.id])
            #expect(try await api.get("/api/v1/app/\(app)/attempt/endpoint/\(endpoint)").ids == [recent.id])
            expectError(try await api.get("/api/v1/app/\(app)/msg/\(short)/attempt/\(old.id)"), .notFound, code: "not_found")
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(short)/attempt/\(recent.id)").status == .ok)
        }
    }
}
