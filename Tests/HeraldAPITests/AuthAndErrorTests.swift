import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import Testing

@Suite struct AuthAndErrorTests {
    @Test func healthAnswersWithoutAToken() async throws {
        try await TestAPI.run { api in
            let response = try await api.request(.get, "/api/v1/health", token: nil)
            #expect(response.status == .ok)
            #expect(response.json == ["status": "ok", "store": "ok", "delivery": "disabled"])
        }
    }

    @Test func requestsWithoutAValidBearerTokenAre401() async throws {
        try await TestAPI.run { api in
            expectError(try await api.request(.get, "/api/v1/app", token: nil), .unauthorized, code: "authentication_failed")
            expectError(try await api.request(.get, "/api/v1/app", token: "wrong"), .unauthorized, code: "authentication_failed")
            expectError(
                try await api.request(.post, "/api/v1/app", #"{"name":"A"}"#, token: nil),
                .unauthorized,
                code: "authentication_failed"
            )
            let basic = try await api.request(.get, "/api/v1/app", token: nil, headers: [.authorization: "Basic dGVzdA=="])
            expectError(basic, .unauthorized, code: "authentication_failed")
            let bare = try await api.request(.get, "/api/v1/app", token: nil, headers: [.authorization: TestAPI.adminToken])
            expectError(bare, .unauthorized, code: "authentication_failed")
            for header in ["Bearer ", "Bearer  \t ", "Bearers \(TestAPI.adminToken)", "Bear \(TestAPI.adminToken)"] {
                let refused = try await api.request(.get, "/api/v1/app", token: nil, headers: [.authorization: header])
                expectError(refused, .unauthorized, code: "authentication_failed")
            }
            // The scheme is case-insensitive; blanks around the token do not count.
            for header in ["bearer \(TestAPI.adminToken)", "BEARER  \(TestAPI.adminToken)\t "] {
                let accepted = try await api.request(.get, "/api/v1/app", token: nil, headers: [.authorization: header])
                #expect(accepted.status == .ok, "\(header)")
            }
            // Two Authorization headers are ambiguous, even when both carry the valid token.
            var twice = HTTPFields()
            twice.append(HTTPField(name: .authorization, value: "Bearer \(TestAPI.adminToken)"))
            twice.append(HTTPField(name: .authorization, value: "Bearer \(TestAPI.adminToken)"))
            expectError(
                try await api.request(.get, "/api/v1/app", token: nil, headers: twice), .unauthorized,
                code: "authentication_failed")
            expectError(
                try await api.request(.get, "/api/v1/openapi.yaml", token: nil), .unauthorized, code: "authentication_failed")
            // Nothing was created by the refused POST.
            #expect(try await api.get("/api/v1/app").data.isEmpty)
        }
    }

    @Test func aTokenStoredInTheDatabaseAuthenticatesUntilRevoked() async throws {
        try await TestAPI.run { api in
            let token = APITokenSecret.generate()
            try await api.store.insertToken(
                APIToken(id: "tok_live", name: "ci", hash: APITokenSecret.hash(token), createdAt: Date())
            )
            let revoked = APITokenSecret.generate()
            try await api.store.insertToken(
                APIToken(id: "tok_old", name: "old", hash: APITokenSecret.hash(revoked), createdAt: Date(), revokedAt: Date())
            )
            #expect(try await api.request(.get, "/api/v1/app", token: token).status == .ok)
            expectError(try await api.request(.get, "/api/v1/app", token: revoked), .unauthorized, code: "authentication_failed")
        }
    }

    @Test func unknownRoutesAndIdsAre404() async throws {
        try await TestAPI.run { api in
            expectError(try await api.get("/api/v1/nothing-here"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v2/app"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/app_unknown"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/app_unknown/endpoint"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/app_unknown/msg"), .notFound, code: "not_found")
            expectError(
                try await api.post("/api/v1/app/app_unknown/msg", #"{"eventType":"a","payload":{}}"#), .notFound,
                code: "not_found")
            expectError(
                try await api.put("/api/v1/app/app_unknown/endpoint/e", #"{"url":"https://e.com"}"#), .notFound, code: "not_found"
            )
            let app = try await api.createApplication()
            expectError(try await api.get("/api/v1/app/\(app)/endpoint/ep_unknown"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/\(app)/msg/msg_unknown"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/event-type/unknown"), .notFound, code: "not_found")
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            _ = try await api.createEndpoint(app: app, #"{"url":"https://e.com","uid":"hook"}"#)
            for (method, path) in [
                (HTTPRequest.Method.post, "/api/v1/app"), (.put, "/api/v1/app/acme"), (.patch, "/api/v1/app/acme"),
                (.post, "/api/v1/app/acme/endpoint"), (.patch, "/api/v1/app/acme/endpoint/hook"),
                (.put, "/api/v1/app/acme/endpoint/hook/headers"), (.post, "/api/v1/app/acme/endpoint/hook/secret/rotate"),
                (.post, "/api/v1/app/acme/msg"), (.post, "/api/v1/event-type"),
            ] {
                for body in [#"{"name":"#, "not json", #"{"name":"A"} trailing"#, "{'name':'A'}"] {
                    expectError(try await api.request(method, path, body), .badRequest, code: "bad_request")
                }
            }
            expectError(try await api.request(.post, "/api/v1/app", ""), .badRequest, code: "bad_request")
            #expect(try await api.get("/api/v1/app").data.count == 1)
        }
    }

    static let notStrictJSON: [String] = [
        #"{"eventType":"a","payload":{"x":1,}}"#,
        #"{"eventType":"a","payload":{"x":[1,2,]}}"#,
        #"{"eventType":"a","payload":{"x":01}}"#,
        #"{"eventType":"a","payload":{"x":1.}}"#,
        #"{"eventType":"a","payload":{"x":1e}}"#,
        "{\"eventType\":\"a\",\"payload\":{\"x\":\"line\nbreak\"}}",
        #"{"eventType":"a","payload":{"x":1},}"#,
    ]

    /// Herald keeps payloads as sent and answers them inside its own JSON, so a body that is not strict JSON
    /// (RFC 8259) must be refused rather than stored and echoed.
    @Test(arguments: notStrictJSON)
    func messagesThatAreNotStrictJSONAre400(_ body: String) async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            expectError(try await api.post("/api/v1/app/\(app)/msg", body), .badRequest, code: "bad_request")
            let list = try await api.get("/api/v1/app/\(app)/msg")
            #expect(list.text.hasPrefix(#"{"data":[]"#), "body: \(list.text)")
        }
    }

    @Test func anApplicationBodyWithATrailingCommaIs400() async throws {
        try await TestAPI.run { api in
            expectError(try await api.post("/api/v1/app", #"{"name":"A",}"#), .badRequest, code: "bad_request")
            #expect(try await api.get("/api/v1/app").data.isEmpty)
        }
    }

    @Test func duplicateUidsAreConflicts() async throws {
        try await TestAPI.run { api in
            let acme = try await api.createApplication(uid: "acme")
            expectError(try await api.post("/api/v1/app", #"{"name":"B","uid":"acme"}"#), .conflict, code: "conflict")
            let other = try await api.createApplication(uid: "other")
            expectError(try await api.patch("/api/v1/app/\(other)", #"{"uid":"acme"}"#), .conflict, code: "conflict")

            _ = try await api.createEndpoint(app: acme, #"{"url":"https://e.com","uid":"hook"}"#)
            let duplicate = try await api.post("/api/v1/app/\(acme)/endpoint", #"{"url":"https://f.com","uid":"hook"}"#)
            expectError(duplicate, .conflict, code: "conflict")
            _ = try await api.createEndpoint(app: acme, #"{"url":"https://g.com","uid":"other-hook"}"#)
            let renamed = try await api.patch("/api/v1/app/\(acme)/endpoint/other-hook", #"{"uid":"hook"}"#)
            expectError(renamed, .conflict, code: "conflict")
            #expect(try await api.get("/api/v1/app").data.count == 2)
            #expect(try await api.get("/api/v1/app/\(acme)/endpoint").data.count == 2)
            #expect(try await api.get("/api/v1/app/\(acme)/endpoint/other-hook").status == .ok)
        }
    }

    @Test func bodiesOverTheConfiguredLimitAre413() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let big = String(repeating: "x", count: TestAPI.maximumBodyBytes)
            expectError(try await api.post("/api/v1/app", #"{"name":"\#(big)"}"#), .contentTooLarge, code: "payload_too_large")
            let message = #"{"eventType":"user.created","payload":{"blob":"\#(big)"}}"#
            expectError(try await api.post("/api/v1/app/\(app)/msg", message), .contentTooLarge, code: "payload_too_large")
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.isEmpty)

            // A body of exactly the limit is accepted.
            let frame = #"{"eventType":"user.created","payload":{"blob":""}}"#
            let padding = String(repeating: "y", count: TestAPI.maximumBodyBytes - frame.utf8.count)
            let exact = #"{"eventType":"user.created","payload":{"blob":"\#(padding)"}}"#
            #expect(exact.utf8.count == TestAPI.maximumBodyBytes)
            #expect(try await api.post("/api/v1/app/\(app)/msg", exact).status == .accepted)
        }
    }
}
