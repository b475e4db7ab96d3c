import Foundation
import HeraldCore
import Testing

@testable import HeraldAPI

/// `/api/v1/app/{app_id}/poller/{sink_id}`: reading polling endpoints, with and without a consumer.
@Suite struct PollerRouteTests {
    /// Creates the application `acme` with a polling endpoint of `body`; returns the polling endpoint's id.
    static func pollingEndpoint(_ api: TestAPI, _ body: String = #"{"type":"pollingEndpoint"}"#) async throws -> String {
        let created = try await api.post("/api/v1/app/acme/destination", body)
        try #require(created.status == .created, "creating a polling endpoint: \(created.text)")
        return try #require(created["id"]?.string)
    }

    static func eventTypes(_ response: APIResponse) -> [String] {
        response.data.compactMap { $0["eventType"]?.string }
    }

    @Test func aPollReadsTheMessagesSinceTheEndpointThatPassItsFiltersAndGoesOnFromItsIterator() async throws {
        try await TestAPI.run { api in
            _ = try await api.createApplication(uid: "acme")
            _ = try await api.createApplication(name: "Other", uid: "other")
            _ = try await api.sendMessage(app: "acme", eventType: "invoice.paid")
            try await Task.sleep(for: .milliseconds(5))
            let sink = try await Self.pollingEndpoint(
                api, #"{"type":"pollingEndpoint","eventTypes":["invoice.paid","invoice.void"],"channels":["eu","us"]}"#)
            let first = try await api.sendMessage(app: "acme", eventType: "invoice.paid", channels: ["eu"])
            _ = try await api.sendMessage(app: "acme", eventType: "user.created", channels: ["eu"])
            _ = try await api.sendMessage(app: "acme", eventType: "invoice.paid", channels: ["asia"])
            _ = try await api.sendMessage(app: "acme", eventType: "invoice.paid")
            _ = try await api.sendMessage(app: "other", eventType: "invoice.paid", channels: ["eu"])
            let second = try await api.sendMessage(app: "acme", eventType: "invoice.void", channels: ["us", "asia"])

            let poll = try await api.get("/api/v1/app/acme/poller/\(sink)")
            #expect(poll.status == .ok && poll.ids == [first, second] && poll["done"] == .bool(true), "body: \(poll.text)")
            #expect(poll.data.first?["payload"] == .object(["n": .number(1)]) && isTimestamp(poll.data.first?["timestamp"]))
            let iterator = try #require(poll["iterator"]?.string)
            let again = try await api.get("/api/v1/app/acme/poller/\(sink)?iterator=\(iterator)")
            #expect(again.ids.isEmpty && again["iterator"]?.string == iterator && again["done"] == .bool(true))

            let third = try await api.sendMessage(app: "acme", eventType: "invoice.void", channels: ["eu"])
            #expect(try await api.get("/api/v1/app/acme/poller/\(sink)?iterator=\(iterator)").ids == [third])
            // The request's own filters narrow the endpoint's.
            #expect(try await api.get("/api/v1/app/acme/poller/\(sink)?event_type=invoice.void").ids == [second, third])
            #expect(try await api.get("/api/v1/app/acme/poller/\(sink)?channel=us").ids == [second])
            #expect(try await api.get("/api/v1/app/acme/poller/\(sink)?event_type=user.created").ids.isEmpty)

            var pages: [[String]] = []
            var next = try await api.get("/api/v1/app/acme/poller/\(sink)?limit=1")
            while true {
                pages.append(next.ids)
                if next["done"] == .bool(true) { break }
                next = try await api.get("/api/v1/app/acme/poller/\(sink)?limit=1&iterator=\(next["iterator"]?.string ?? "")")
            }
            #expect(pages.flatMap { $0 } == [first, second, third] && pages.count >= 3)
        }
    }

    @Test func aNamedConsumerGoesOnWhereItStoppedAndSeeksByTime() async throws {
        try await TestAPI.run { api in
            _ = try await api.createApplication(uid: "acme")
            let sink = try await Self.pollingEndpoint(api)
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await api.sendMessage(app: "acme")) }
            try await Task.sleep(for: .milliseconds(5))
            let between = Date()
            try await Task.sleep(for: .milliseconds(5))
            for _ in 0..<2 { ids.append(try await api.sendMessage(app: "acme")) }

            let path = "/api/v1/app/acme/poller/\(sink)/consumer"
            #expect(try await api.get("\(path)/worker?limit=2").ids == Array(ids[0..<2]))
            let rest = try await api.get("\(path)/worker?limit=10")
            #expect(rest.ids == Array(ids[2...]) && rest["done"] == .bool(true))
            #expect(try await api.get("\(path)/worker").ids.isEmpty)
            #expect(try await api.get("\(path)/auditor?limit=4").ids == Array(ids[0..<4]))

            let seek = try await api.post("\(path)/worker/seek", #"{"after":"\#(Timestamp.format(between))"}"#)
            #expect(seek.status == .ok && isIdentifier(seek["iterator"], prefix: "msg_"), "body: \(seek.text)")
            #expect(try await api.get("\(path)/worker").ids == Array(ids[3...]))
            // An iterator given to a consumer moves it there.
            let from = try #require(rest["iterator"]?.string)
            #expect(try await api.get("\(path)/auditor?iterator=\(ids[1])").ids == Array(ids[2...]))
            #expect(try await api.get("\(path)/auditor").ids.isEmpty)
            #expect(try await api.get("/api/v1/app/acme/poller/\(sink)?iterator=\(from)").ids.isEmpty)

            // Deleting the polling endpoint forgets its consumers.
            #expect(try await api.delete("/api/v1/app/acme/destination/\(sink)").status == .noContent)
            expectError(try await api.get("\(path)/worker"), .notFound, code: "not_found")
        }
    }

    @Test func aPollLooksAtABoundedNumberOfMessagesAndMovesPastThoseThatDoNotMatch() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            let sink = try await Self.pollingEndpoint(api, #"{"type":"pollingEndpoint","eventTypes":["rare.event"]}"#)
            let start = Date()
            for index in 0..<(MessagePoll.scanBudget + 300) {
                _ = try await api.store.createMessage(
                    application: app, NewMessage(eventType: "common.event", payload: Array("{}".utf8)),
                    now: start.addingTimeInterval(Double(index) / 1000))
            }
            let rare = try await api.sendMessage(app: "acme", eventType: "rare.event")
            let first = try await api.get("/api/v1/app/acme/poller/\(sink)")
            #expect(first.ids.isEmpty && first["done"] == .bool(false), "body: \(first.text.prefix(300))")
            let iterator = try #require(first["iterator"]?.string)
            let second = try await api.get("/api/v1/app/acme/poller/\(sink)?iterator=\(iterator)")
            #expect(second.ids == [rare] && second["done"] == .bool(true))
        }
    }

    @Test func pollsAnswerClearErrors() async throws {
        try await TestAPI.run { api in
            _ = try await api.createApplication(uid: "acme")
            let sink = try await Self.pollingEndpoint(api)
            let path = "/api/v1/app/acme/poller/\(sink)"
            expectError(try await api.get("/api/v1/app/acme/poller/poll_nothing"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/nobody/poller/\(sink)"), .notFound, code: "not_found")
            expectValidationError(try await api.get("\(path)?iterator=eyJvZmZzZXQiOjB9"), at: ["query", "iterator"])
            expectValidationError(try await api.get("\(path)?limit=0"), at: ["query", "limit"])
            expectValidationError(try await api.get("\(path)?after=yesterday"), at: ["query", "after"])
            expectValidationError(
                try await api.get("\(path)/consumer/\(String(repeating: "c", count: 257))"), at: ["path", "consumer_id"])
            expectValidationError(
                try await api.post("\(path)/consumer/worker/seek", #"{"after":"soon"}"#), at: ["body", "after"])
            expectValidationError(try await api.post("\(path)/consumer/worker/seek", "{}"), at: ["body", "after"])
            _ = try await api.patch("/api/v1/app/acme/destination/\(sink)", #"{"type":"pollingEndpoint","status":"disabled"}"#)
            expectError(try await api.get(path), .conflict, code: "conflict")
            expectError(try await api.get("\(path)/consumer/worker"), .conflict, code: "conflict")
        }
    }
}
