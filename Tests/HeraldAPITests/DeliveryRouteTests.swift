import Foundation
import Testing

@Suite struct DeliveryRouteTests {
    static func timestamp(_ offset: TimeInterval) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(offset))
    }

    @Test func replayMissingSendsAnEndpointTheMessagesItsFiltersTakeThatItNeverGot() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let early = try await api.createEndpoint(
                app: app, #"{"url":"https://example.com/early","eventTypes":["user.created"]}"#)
            let created = [
                try await api.sendMessage(app: app),
                try await api.sendMessage(app: app, eventType: "invoice.paid"),
                try await api.sendMessage(app: app, channels: ["eu"]),
            ]
            let late = try await api.createEndpoint(app: app, #"{"url":"https://example.com/late","uid":"late"}"#)
            let window = #"{"since":"\#(Self.timestamp(-60))"}"#

            let replay = try await api.post("/api/v1/app/\(app)/endpoint/late/replay-missing", window)
            #expect(replay.status == .accepted, "body: \(replay.text)")
            #expect(replay["task"] == "endpoint.replay")
            #expect(replay["status"] == "finished")
            #expect(replay["data"]?["messagesSent"] == 3)
            #expect(isIdentifier(replay["id"], prefix: "qtask_"))
            #expect(isTimestamp(replay["updatedAt"]))
            for message in created {
                #expect(try await api.destinations(app: app, message: message).contains(late))
            }
            #expect(try await api.destinations(app: app, message: created[1]) == [late])

            // Nothing twice, and nothing the filter keeps out (invoice.paid never went to `early`).
            for endpoint in [late, early] {
                let again = try await api.post("/api/v1/app/\(app)/endpoint/\(endpoint)/replay-missing", window)
                #expect(again.status == .accepted)
                #expect(again["data"]?["messagesSent"] == 0)
            }
            let before = #"{"since":"\#(Self.timestamp(-3600))","until":"\#(Self.timestamp(-1800))"}"#
            let none = try await api.post("/api/v1/app/\(app)/endpoint/\(early)/replay-missing", before)
            #expect(none["data"]?["messagesSent"] == 0)

            let recover = try await api.post("/api/v1/app/\(app)/endpoint/\(early)/recover", window)
            #expect(recover.status == .accepted)
            #expect(recover["task"] == "endpoint.recover")
            #expect(recover["data"]?["messagesSent"] == 0)
        }
    }

    @Test func recoverAndReplayTasksCanBePolledAndListed() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            _ = try await api.sendMessage(app: app)
            let endpoint = try await api.createEndpoint(app: app)
            let window = #"{"since":"\#(Self.timestamp(-60))"}"#
            let replay = try await api.post("/api/v1/app/\(app)/endpoint/\(endpoint)/replay-missing", window)
            try await Task.sleep(for: .milliseconds(2))  // task ids order by their millisecond
            let recover = try await api.post("/api/v1/app/\(app)/endpoint/\(endpoint)/recover", window)
            for answer in [replay, recover] {
                let id = try #require(answer["id"]?.string)
                let polled = try await api.get("/api/v1/background-task/\(id)")
                #expect(polled.status == .ok)
                #expect(polled.json == answer.json, "polled: \(polled.text), answered: \(answer.text)")
            }
            #expect(replay["data"]?["messagesSent"] == 1)

            let all = try await api.get("/api/v1/background-task")
            #expect(all.ids == [recover["id"]?.string, replay["id"]?.string].compactMap { $0 }, "newest first")
            let replays = try await api.get("/api/v1/background-task?task=endpoint.replay&status=finished&order=ascending")
            #expect(replays.ids == [replay["id"]?.string].compactMap { $0 })
            #expect(try await api.get("/api/v1/background-task?status=running").ids.isEmpty)

            expectValidationError(try await api.get("/api/v1/background-task?task=endpoint.purge"), at: ["query", "task"])
            expectValidationError(try await api.get("/api/v1/background-task?status=done"), at: ["query", "status"])
            expectError(try await api.get("/api/v1/background-task/qtask_unknown"), .notFound, code: "not_found")
            expectError(
                try await api.request(.get, "/api/v1/background-task", token: nil), .unauthorized,
                code: "authentication_failed")
        }
    }

    @Test func replayMissingRefusesBadWindowsAndUnknownEndpoints() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let other = try await api.createApplication(name: "Other")
            let foreign = try await api.createEndpoint(app: other)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/replay-missing"

            let reversed = #"{"since":"\#(Self.timestamp(0))","until":"\#(Self.timestamp(-60))"}"#
            expectValidationError(try await api.post(path, reversed), at: ["body", "until"])
            expectValidationError(try await api.post(path, #"{"since":"yesterday"}"#), at: ["body", "since"])
            #expect(try await api.post(path, #"{"until":"\#(Self.timestamp(0))"}"#).status == .unprocessableContent)
            expectError(try await api.post(path, #"{"since":"#), .badRequest, code: "bad_request")
            let window = #"{"since":"\#(Self.timestamp(-60))"}"#
            expectError(
                try await api.post("/api/v1/app/\(app)/endpoint/\(foreign)/replay-missing", window), .notFound,
                code: "not_found")
            expectError(
                try await api.post("/api/v1/app/app_unknown/endpoint/\(endpoint)/replay-missing", window), .notFound,
                code: "not_found")
            expectError(try await api.request(.post, path, window, token: nil), .unauthorized, code: "authentication_failed")
        }
    }

    @Test func bulkReplaySendsFinishedDeliveriesAgainAsATask() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            _ = try await api.sendMessage(app: app)
            _ = try await api.sendMessage(app: app, eventType: "invoice.paid")
            // No delivery engine runs here: finish both deliveries in the store, as it would.
            let leased = try await api.store.leaseDueDeliveries(owner: "t", now: Date(), leaseDuration: 60, limit: 10)
            let attempts = leased.map {
                makeAttempt(
                    app: $0.applicationID, message: $0.messageID, endpoint: $0.endpointID, at: Date(), statusCode: 204)
            }
            try await api.record(attempts, next: .succeeded)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/bulk-replay"
            let since = Self.timestamp(-60)

            let invoices = try await api.post(path, #"{"since":"\#(since)","eventTypes":["invoice.paid"],"status":0}"#)
            #expect(invoices.status == .accepted, "body: \(invoices.text)")
            #expect(invoices["task"] == "endpoint.bulk-replay")
            #expect(invoices["data"] == ["messagesSent": 1])
            let rest = try await api.post(path, #"{"since":"\#(since)","statusCodeClass":200}"#)
            #expect(rest["data"] == ["messagesSent": 1], "the invoice is pending again, not finished")
            let id = try #require(rest["id"]?.string)
            #expect(try await api.get("/api/v1/background-task/\(id)").json == rest.json)

            expectValidationError(try await api.post(path, #"{"since":"\#(since)","status":9}"#), at: ["body", "status"])
            expectValidationError(
                try await api.post(path, #"{"since":"\#(since)","statusCodeClass":250}"#), at: ["body", "statusCodeClass"])
            expectValidationError(
                try await api.post(path, #"{"since":"\#(since)","eventTypes":["no spaces"]}"#), at: ["body", "eventTypes", "0"])
            #expect(try await api.post(path, "{}").status == .unprocessableContent)
            expectError(
                try await api.post("/api/v1/app/\(app)/endpoint/ep_unknown/bulk-replay", #"{"since":"\#(since)"}"#),
                .notFound, code: "not_found")
        }
    }
}
