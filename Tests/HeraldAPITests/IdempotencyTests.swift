import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import Testing

@Suite struct IdempotencyTests {
    static let key = HTTPField.Name("idempotency-key")!
    static let message = #"{"eventType":"user.created","payload":{"n":1}}"#

    @Test func aRepeatedKeyReplaysTheFirstResponseAndActsOnce() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg"
            let first = try await api.request(.post, path, Self.message, headers: [Self.key: "order-1"])
            #expect(first.status == .accepted)
            #expect(first.headers[HTTPField.Name("idempotent-replayed")!] == nil)

            // Even with another body, the repeat gets the first answer.
            let repeated = try await api.request(
                .post, path, #"{"eventType":"other","payload":{}}"#, headers: [Self.key: "order-1"])
            #expect(repeated.status == .accepted)
            #expect(repeated.text == first.text)
            #expect(repeated.headers[HTTPField.Name("idempotent-replayed")!] == "true")
            #expect(repeated.headers[.contentType] == "application/json")

            let list = try await api.get(path)
            #expect(list.ids == [first["id"]?.string].compactMap { $0 })
        }
    }

    @Test func aRepeatedKeyCreatesOneApplication() async throws {
        try await TestAPI.run { api in
            let first = try await api.request(.post, "/api/v1/app", #"{"name":"Acme"}"#, headers: [Self.key: "app-1"])
            let second = try await api.request(.post, "/api/v1/app", #"{"name":"Acme"}"#, headers: [Self.key: "app-1"])
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(second["id"] == first["id"])
            #expect(try await api.get("/api/v1/app").data.count == 1)
        }
    }

    @Test func theSameKeyWithAnotherTokenActsAgain() async throws {
        try await TestAPI.run { api in
            let token = APITokenSecret.generate()
            try await api.store.insertToken(
                APIToken(id: "tok_second", name: "second", hash: APITokenSecret.hash(token), createdAt: Date())
            )
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg"
            let first = try await api.request(.post, path, Self.message, headers: [Self.key: "shared"])
            let second = try await api.request(.post, path, Self.message, token: token, headers: [Self.key: "shared"])
            #expect(first.status == .accepted)
            #expect(second.status == .accepted)
            #expect(second["id"] != first["id"])
            #expect(try await api.get(path).data.count == 2)
            // Each token still gets its own replay.
            let again = try await api.request(.post, path, Self.message, token: token, headers: [Self.key: "shared"])
            #expect(again["id"] == second["id"])
        }
    }

    @Test func theSameKeyOnAnotherPathActsAgain() async throws {
        try await TestAPI.run { api in
            let first = try await api.createApplication(uid: "first")
            let second = try await api.createApplication(uid: "second")
            let one = try await api.request(.post, "/api/v1/app/\(first)/msg", Self.message, headers: [Self.key: "k"])
            let two = try await api.request(.post, "/api/v1/app/\(second)/msg", Self.message, headers: [Self.key: "k"])
            #expect(one.status == .accepted)
            #expect(two.status == .accepted)
            #expect(one["id"] != two["id"])
            #expect(try await api.get("/api/v1/app/\(first)/msg").ids == [one["id"]?.string].compactMap { $0 })
            #expect(try await api.get("/api/v1/app/\(second)/msg").ids == [two["id"]?.string].compactMap { $0 })
        }
    }

    @Test func concurrentRequestsWithOneKeyCreateOneMessage() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg"
            let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await api.request(.post, path, Self.message, headers: [Self.key: "burst"]) }
                }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(responses.count == 20)
            let accepted = responses.filter { $0.status == .accepted }
            // A repeat that outwaits the first request may be told 409; nothing else is acceptable.
            #expect(responses.allSatisfy { $0.status == .accepted || $0.status == .conflict }, "\(responses.map(\.text))")
            #expect(!accepted.isEmpty)
            let ids = Set(accepted.compactMap { $0["id"]?.string })
            #expect(ids.count == 1, "ids: \(ids)")
            let stored = try await api.get(path)
            #expect(stored.ids == Array(ids))
        }
    }

    @Test func aFailedRequestDoesNotUseUpItsKey() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg"
            let invalid = try await api.request(.post, path, #"{"payload":{}}"#, headers: [Self.key: "retry-me"])
            expectValidationError(invalid, at: ["body", "eventType"])

            let fixed = try await api.request(.post, path, Self.message, headers: [Self.key: "retry-me"])
            #expect(fixed.status == .accepted)
            let replay = try await api.request(.post, path, Self.message, headers: [Self.key: "retry-me"])
            #expect(replay["id"] == fixed["id"])
            #expect(try await api.get(path).data.count == 1)
        }
    }

    @Test func aConflictDoesNotUseUpItsKey() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg"
            let withEventID = #"{"eventType":"user.created","payload":{},"eventId":"evt-1"}"#
            #expect(try await api.post(path, withEventID).status == .accepted)
            let conflict = try await api.request(.post, path, withEventID, headers: [Self.key: "after-conflict"])
            expectError(conflict, .conflict, code: "conflict")
            let retry = try await api.request(.post, path, Self.message, headers: [Self.key: "after-conflict"])
            #expect(retry.status == .accepted)
            #expect(try await api.get(path).data.count == 2)
        }
    }

    @Test func aKeyLongerThan256CharactersIsRefusedWith422() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let key = String(repeating: "k", count: 257)
            let response = try await api.request(.post, "/api/v1/app/\(app)/msg", Self.message, headers: [Self.key: key])
            expectValidationError(response, at: ["header", "idempotency-key"])
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.isEmpty)
        }
    }

    @Test func requestsWithoutAKeyAreNeverReplayed() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg"
            let first = try await api.post(path, Self.message)
            let second = try await api.post(path, Self.message)
            #expect(first["id"] != second["id"])
            #expect(try await api.get(path).data.count == 2)
        }
    }
}
