import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import Testing

/// Application tokens (Svix's app portal access): issued for one application, limited to it and to their
/// capabilities, ended by logout and expire-all.
@Suite struct ApplicationTokenRouteTests {
    /// Issues an application token for `app` with `body` and returns it.
    static func issue(_ api: TestAPI, app: String, _ body: String = "{}") async throws -> String {
        let response = try await api.post("/api/v1/auth/app-portal-access/\(app)", body)
        try #require(response.status == .ok, "issuing an application token: \(response.text)")
        #expect(response["url"]?.string?.isEmpty == false)
        return try #require(response["token"]?.string)
    }

    /// Whether `token` expires `lifetime` seconds after a moment of `window` (kept to the millisecond).
    static func expiry(_ token: APIToken, within window: ClosedRange<Date>, lifetime: TimeInterval) -> Bool {
        guard let expiresAt = token.expiresAt else { return false }
        let earliest = window.lowerBound.addingTimeInterval(lifetime - 0.001)
        return earliest <= expiresAt && expiresAt <= window.upperBound.addingTimeInterval(lifetime)
    }

    @Test func aTokenReadsItsOwnApplicationByIdOrUidAndNothingElse() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            let other = try await api.createApplication(name: "Other", uid: "other")
            let endpoint = try await api.createEndpoint(app: app)
            _ = try await api.createEndpoint(app: other)
            let message = try await api.sendMessage(app: app)
            _ = try await api.post("/api/v1/event-type", #"{"name":"user.created","description":"d"}"#)
            let token = try await Self.issue(api, app: "acme")

            for path in [
                "/api/v1/app/\(app)", "/api/v1/app/acme", "/api/v1/app/acme/endpoint", "/api/v1/app/acme/endpoint/\(endpoint)",
                "/api/v1/app/acme/endpoint/\(endpoint)/stats", "/api/v1/app/acme/endpoint/\(endpoint)/headers",
                "/api/v1/app/acme/msg", "/api/v1/app/acme/msg/\(message)", "/api/v1/app/acme/msg/\(message)/endpoint",
                "/api/v1/app/acme/attempt/msg/\(message)", "/api/v1/app/acme/attempt/endpoint/\(endpoint)",
                "/api/v1/event-type", "/api/v1/event-type/user.created", "/api/v1/app/acme/endpoint/\(endpoint)/secret",
            ] {
                let response = try await api.request(.get, path, token: token)
                #expect(response.status == .ok, "\(path): \(response.text)")
            }
            #expect(try await api.request(.get, "/api/v1/app/acme/endpoint", token: token).ids == [endpoint])

            // Other applications, existing or not, by id or uid, and the routes of operators: 403, never a lookup.
            for path in [
                "/api/v1/app/\(other)", "/api/v1/app/other/endpoint", "/api/v1/app/nobody/msg", "/api/v1/app",
                "/api/v1/background-task", "/metrics",
            ] {
                expectError(try await api.request(.get, path, token: token), .forbidden, code: "forbidden")
            }
            for (method, path) in [
                (HTTPRequest.Method.post, "/api/v1/app/acme/msg"), (.post, "/api/v1/app/acme/msg/precheck/active"),
                (.delete, "/api/v1/app/acme/msg/\(message)/content"), (.patch, "/api/v1/app/acme"),
                (.delete, "/api/v1/app/acme"), (.post, "/api/v1/event-type"), (.post, "/api/v1/app"),
                (.post, "/api/v1/auth/app-portal-access/acme"), (.post, "/api/v1/auth/app/acme/expire-all"),
            ] {
                let response = try await api.request(method, path, #"{"name":"x","eventType":"a","payload":{}}"#, token: token)
                expectError(response, .forbidden, code: "forbidden")
            }
            #expect(try await api.get("/api/v1/app/acme/msg").ids == [message])
            #expect(try await api.get("/api/v1/app/acme")["name"] == "Acme")
        }
    }

    @Test func capabilitiesDecideWhatBeyondReadingATokenMayDo() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            let endpoint = try await api.createEndpoint(app: app)
            let create = #"{"url":"https://example.com/new"}"#
            let readOnly = try await Self.issue(api, app: app, #"{"readOnly":true}"#)
            expectError(
                try await api.request(.post, "/api/v1/app/acme/endpoint", create, token: readOnly), .forbidden,
                code: "forbidden")
            #expect(try await api.request(.get, "/api/v1/app/acme/endpoint/\(endpoint)/secret", token: readOnly).status == .ok)
            expectError(
                try await api.request(.post, "/api/v1/app/acme/endpoint/\(endpoint)/secret/rotate", "{}", token: readOnly),
                .forbidden, code: "forbidden")

            let viewer = try await Self.issue(api, app: app, #"{"capabilities":["ViewBase"]}"#)
            expectError(
                try await api.request(.get, "/api/v1/app/acme/endpoint/\(endpoint)/secret", token: viewer), .forbidden,
                code: "forbidden")
            expectError(
                try await api.request(
                    .post, "/api/v1/app/acme/endpoint/\(endpoint)/recover", #"{"since":"2026-01-01T00:00:00Z"}"#, token: viewer),
                .forbidden, code: "forbidden")

            let secrets = try await Self.issue(api, app: app, #"{"capabilities":["ViewBase","ManageEndpointSecret"]}"#)
            #expect(
                try await api.request(.post, "/api/v1/app/acme/endpoint/\(endpoint)/secret/rotate", "{}", token: secrets)
                    .status == .ok)
            expectError(
                try await api.request(.patch, "/api/v1/app/acme/endpoint/\(endpoint)", #"{"disabled":true}"#, token: secrets),
                .forbidden, code: "forbidden")

            let manager = try await Self.issue(api, app: app, #"{"capabilities":["ManageEndpoint"]}"#)
            let created = try await api.request(.post, "/api/v1/app/acme/endpoint", create, token: manager)
            #expect(created.status == .created, "body: \(created.text)")
            #expect(
                try await api.request(.patch, "/api/v1/app/acme/endpoint/\(endpoint)", #"{"disabled":true}"#, token: manager)
                    .status == .ok)
            #expect(try await api.request(.get, "/api/v1/app/acme/endpoint/\(endpoint)/secret", token: manager).status == .ok)
            expectError(
                try await api.request(
                    .post, "/api/v1/app/acme/endpoint/\(endpoint)/recover", #"{"since":"2026-01-01T00:00:00Z"}"#, token: manager),
                .forbidden, code: "forbidden")

            let sender = try await Self.issue(api, app: app, #"{"capabilities":["ViewBase","CreateAttempts"]}"#)
            let recover = try await api.request(
                .post, "/api/v1/app/acme/endpoint/\(endpoint)/recover", #"{"since":"2026-01-01T00:00:00Z"}"#, token: sender)
            #expect(recover.status == .accepted, "body: \(recover.text)")
            #expect(try await api.get("/api/v1/app/acme/endpoint").data.count == 2)
        }
    }

    @Test func aTokenSeesTheEventTypesItsFeatureFlagsAllow() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            for (name, flags) in [("plain", "null"), ("beta.only", #"["beta"]"#), ("billing.only", #"["billing","ops"]"#)] {
                let created = try await api.post(
                    "/api/v1/event-type", #"{"name":"\#(name)","description":"d","featureFlags":\#(flags)}"#)
                try #require(created.status == .created, "body: \(created.text)")
            }
            let unflagged = try await Self.issue(api, app: app)
            let beta = try await Self.issue(api, app: app, #"{"featureFlags":["beta"]}"#)
            let names = { (token: String) in
                try await api.request(.get, "/api/v1/event-type", token: token).data.compactMap { $0["name"]?.string }
            }
            #expect(try await names(unflagged) == ["plain"])
            #expect(try await names(beta) == ["beta.only", "plain"])
            #expect(try await api.get("/api/v1/event-type").data.count == 3)
            #expect(try await api.request(.get, "/api/v1/event-type/beta.only", token: beta).status == .ok)
            expectError(
                try await api.request(.get, "/api/v1/event-type/beta.only", token: unflagged), .notFound, code: "not_found")
            expectError(
                try await api.request(.get, "/api/v1/event-type/billing.only", token: beta), .notFound, code: "not_found")
        }
    }

    @Test func logoutEndsTheTokenAndExpireAllEndsAnApplicationsTokensBySession() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            let first = try await Self.issue(api, app: app, #"{"sessionId":"s-1"}"#)
            let second = try await Self.issue(api, app: app, #"{"sessionId":"s-2"}"#)
            let third = try await Self.issue(api, app: app)

            #expect(try await api.request(.post, "/api/v1/auth/logout", token: first).status == .noContent)
            expectError(
                try await api.request(.get, "/api/v1/app/acme", token: first), .unauthorized, code: "authentication_failed")
            expectError(try await api.request(.post, "/api/v1/auth/logout"), .forbidden, code: "forbidden")

            #expect(try await api.post("/api/v1/auth/app/acme/expire-all", #"{"sessionIds":["s-2"]}"#).status == .noContent)
            expectError(
                try await api.request(.get, "/api/v1/app/acme", token: second), .unauthorized, code: "authentication_failed")
            #expect(try await api.request(.get, "/api/v1/app/acme", token: third).status == .ok)

            // Expiring later leaves the token working until then.
            let before = Date()
            #expect(try await api.post("/api/v1/auth/app/acme/expire-all", #"{"expiry":60}"#).status == .noContent)
            let after = Date()
            #expect(try await api.request(.get, "/api/v1/app/acme", token: third).status == .ok)
            let stored = try #require(try await api.store.token(hash: APITokenSecret.hash(third)))
            #expect(Self.expiry(stored, within: before...after, lifetime: 60))
            #expect(try await api.post("/api/v1/auth/app/acme/expire-all", "{}").status == .noContent)
            expectError(
                try await api.request(.get, "/api/v1/app/acme", token: third), .unauthorized, code: "authentication_failed")

            expectError(try await api.post("/api/v1/auth/app/nobody/expire-all", "{}"), .notFound, code: "not_found")
            expectValidationError(
                try await api.post("/api/v1/auth/app/acme/expire-all", #"{"expiry":-1}"#), at: ["body", "expiry"])
        }
    }

    @Test func accessIsGivenForALifetimeAndCanCreateTheApplication() async throws {
        try await TestAPI.run { api in
            let before = Date()
            let issued = try await api.post(
                "/api/v1/auth/app-portal-access/customer-7", #"{"application":{"name":"Customer 7"}}"#)
            let after = Date()
            #expect(issued.status == .ok, "body: \(issued.text)")
            let application = try await api.get("/api/v1/app/customer-7")
            #expect(application["uid"] == "customer-7")
            let id = try #require(application["id"]?.string)
            #expect(issued["url"]?.string?.hasSuffix("/api/v1/app/\(id)") == true)
            let token = try #require(issued["token"]?.string)
            let stored = try #require(try await api.store.token(hash: APITokenSecret.hash(token)))
            #expect(stored.scope?.application == id)
            #expect(stored.scope?.capabilities == Set(ApplicationTokenScope.Capability.allCases))
            #expect(Self.expiry(stored, within: before...after, lifetime: 7 * 86_400))
            #expect(try await api.store.tokenCount() == 0)

            let hourBefore = Date()
            let hour = try await api.post("/api/v1/auth/app-portal-access/customer-7", #"{"expiry":3600}"#)
            let hourAfter = Date()
            let hourToken = try #require(hour["token"]?.string)
            let hourStored = try #require(try await api.store.token(hash: APITokenSecret.hash(hourToken)))
            #expect(Self.expiry(hourStored, within: hourBefore...hourAfter, lifetime: 3600))

            expectError(try await api.post("/api/v1/auth/app-portal-access/nobody", "{}"), .notFound, code: "not_found")
            let path = "/api/v1/auth/app-portal-access/customer-7"
            expectValidationError(try await api.post(path, #"{"expiry":60}"#), at: ["body", "expiry"])
            expectValidationError(try await api.post(path, #"{"expiry":604801}"#), at: ["body", "expiry"])
            expectValidationError(
                try await api.post(path, #"{"capabilities":["Everything"]}"#), at: ["body", "capabilities", "0"])
            expectValidationError(
                try await api.post(path, #"{"featureFlags":["no spaces"]}"#), at: ["body", "featureFlags", "0"])
            expectValidationError(
                try await api.post("/api/v1/auth/app-portal-access/new-one", #"{"application":{"name":"N","uid":"x"}}"#),
                at: ["body", "application", "uid"])
        }
    }
}
