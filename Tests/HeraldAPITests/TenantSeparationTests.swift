import HTTPTypes
import Testing

/// Two applications on one server never see, change or deliver to each other's endpoints and messages.
@Suite struct TenantSeparationTests {
    /// Two applications, each with an endpoint (uid `hook`) and a message (eventId `evt-1`).
    struct Tenants {
        var a: String
        var b: String
        var endpointA: String
        var endpointB: String
        var messageA: String
        var messageB: String
    }

    static func makeTenants(_ api: TestAPI) async throws -> Tenants {
        let a = try await api.createApplication(name: "A", uid: "tenant-a")
        let b = try await api.createApplication(name: "B", uid: "tenant-b")
        let endpointA = try await api.createEndpoint(app: a, #"{"url":"https://a.example.com","uid":"hook"}"#)
        let endpointB = try await api.createEndpoint(app: b, #"{"url":"https://b.example.com","uid":"hook"}"#)
        let body = #"{"eventType":"user.created","payload":{"tenant":"x"},"eventId":"evt-1"}"#
        let messageA = try #require(try await api.sendMessage(app: a, body)["id"]?.string)
        let messageB = try #require(try await api.sendMessage(app: b, body)["id"]?.string)
        return Tenants(a: a, b: b, endpointA: endpointA, endpointB: endpointB, messageA: messageA, messageB: messageB)
    }

    @Test func anApplicationCannotReachAnotherApplicationsEndpointById() async throws {
        try await TestAPI.run { api in
            let t = try await Self.makeTenants(api)
            let foreign = "/api/v1/app/\(t.b)/endpoint/\(t.endpointA)"
            for (method, path, body) in [
                (HTTPRequest.Method.get, foreign, nil), (.patch, foreign, #"{"url":"https://evil.example.com"}"#),
                (.get, foreign + "/secret", nil), (.post, foreign + "/secret/rotate", "{}"), (.get, foreign + "/headers", nil),
                (.put, foreign + "/headers", #"{"headers":{"X-A":"1"}}"#), (.get, foreign + "/stats", nil),
                (.get, foreign + "/msg", nil), (.get, "/api/v1/app/\(t.b)/attempt/endpoint/\(t.endpointA)", nil),
                (.delete, foreign, nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                expectError(try await api.request(method, path, body), .notFound, code: "not_found")
            }
            let untouched = try await api.get("/api/v1/app/\(t.a)/endpoint/\(t.endpointA)")
            #expect(untouched.status == .ok)
            #expect(untouched["url"] == "https://a.example.com")
        }
    }

    @Test func anApplicationCannotReachAnotherApplicationsMessageById() async throws {
        try await TestAPI.run { api in
            let t = try await Self.makeTenants(api)
            let foreign = "/api/v1/app/\(t.b)/msg/\(t.messageA)"
            for (method, path) in [
                (HTTPRequest.Method.get, foreign), (.get, foreign + "/endpoint"), (.delete, foreign + "/content"),
                (.get, "/api/v1/app/\(t.b)/attempt/msg/\(t.messageA)"),
            ] {
                expectError(try await api.request(method, path), .notFound, code: "not_found")
            }
            #expect(try await api.get("/api/v1/app/\(t.a)/msg/\(t.messageA)")["payload"] == ["tenant": "x"])
        }
    }

    @Test func uidsAndEventIdsResolveWithinTheirOwnApplication() async throws {
        try await TestAPI.run { api in
            let t = try await Self.makeTenants(api)
            #expect(try await api.get("/api/v1/app/tenant-a/endpoint/hook")["id"] == .string(t.endpointA))
            #expect(try await api.get("/api/v1/app/tenant-b/endpoint/hook")["id"] == .string(t.endpointB))
            #expect(try await api.get("/api/v1/app/tenant-a/msg/evt-1")["id"] == .string(t.messageA))
            #expect(try await api.get("/api/v1/app/tenant-b/msg/evt-1")["id"] == .string(t.messageB))

            #expect(try await api.delete("/api/v1/app/tenant-b/endpoint/hook").status == .noContent)
            #expect(try await api.get("/api/v1/app/tenant-a/endpoint/hook").status == .ok)
        }
    }

    @Test func listsNeverMixApplications() async throws {
        try await TestAPI.run { api in
            let t = try await Self.makeTenants(api)
            #expect(try await api.get("/api/v1/app/\(t.a)/endpoint").ids == [t.endpointA])
            #expect(try await api.get("/api/v1/app/\(t.b)/endpoint").ids == [t.endpointB])
            #expect(try await api.get("/api/v1/app/\(t.a)/msg").ids == [t.messageA])
            #expect(try await api.get("/api/v1/app/\(t.b)/msg").ids == [t.messageB])
            #expect(try await api.get("/api/v1/app/\(t.a)/endpoint/\(t.endpointA)/msg").ids == [t.messageA])
            #expect(try await api.get("/api/v1/app/\(t.b)/endpoint/\(t.endpointB)/msg").ids == [t.messageB])
        }
    }

    @Test func messagesToOneApplicationNeverCreateDeliveriesForAnother() async throws {
        try await TestAPI.run { api in
            let t = try await Self.makeTenants(api)
            for _ in 0..<3 { _ = try await api.sendMessage(app: t.a) }
            #expect(try await api.destinations(app: t.a, message: t.messageA) == [t.endpointA])
            #expect(try await api.destinations(app: t.b, message: t.messageB) == [t.endpointB])
            #expect(try await api.get("/api/v1/app/\(t.a)/endpoint/\(t.endpointA)/stats")["pending"] == 4)
            #expect(try await api.get("/api/v1/app/\(t.b)/endpoint/\(t.endpointB)/stats")["pending"] == 1)
        }
    }

    @Test func deletingAnApplicationLeavesTheOtherWhole() async throws {
        try await TestAPI.run { api in
            let t = try await Self.makeTenants(api)
            #expect(try await api.delete("/api/v1/app/\(t.a)").status == .noContent)
            #expect(try await api.get("/api/v1/app").ids == [t.b])
            #expect(try await api.get("/api/v1/app/\(t.b)/endpoint").ids == [t.endpointB])
            #expect(try await api.get("/api/v1/app/\(t.b)/msg").ids == [t.messageB])
            #expect(try await api.destinations(app: t.b, message: t.messageB) == [t.endpointB])
        }
    }
}
