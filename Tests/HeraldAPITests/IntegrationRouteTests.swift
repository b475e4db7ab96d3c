import Foundation
import Testing

/// `/api/v1/app/{app_id}/integration`: integrations and their keys.
@Suite struct IntegrationRouteTests {
    @Test func anIntegrationsKeyOpensItsApplicationUntilItIsRotatedOrDeleted() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            _ = try await api.createApplication(name: "Other", uid: "other")
            let created = try await api.post("/api/v1/app/acme/integration", #"{"name":"Zapier","featureFlags":["beta"]}"#)
            #expect(created.status == .created, "body: \(created.text)")
            let id = try #require(created["id"]?.string)
            #expect(id.hasPrefix("integ_") && created["featureFlags"] == .array(["beta"]))
            #expect(try await api.get("/api/v1/app/\(app)/integration").ids == [id])
            #expect(try await api.get("/api/v1/app/other/integration").ids.isEmpty)
            expectError(try await api.get("/api/v1/app/other/integration/\(id)"), .notFound, code: "not_found")

            let first = try #require(try await api.post("/api/v1/app/acme/integration/\(id)/key/rotate", "{}")["key"]?.string)
            let made = try await api.request(
                .post, "/api/v1/app/acme/endpoint", #"{"url":"https://example.com/zap"}"#, token: first)
            #expect(made.status == .created, "body: \(made.text)")
            expectError(try await api.request(.get, "/api/v1/app/other", token: first), .forbidden, code: "forbidden")
            expectError(try await api.request(.get, "/api/v1/app", token: first), .forbidden, code: "forbidden")

            let second = try #require(try await api.post("/api/v1/app/acme/integration/\(id)/key/rotate", "{}")["key"]?.string)
            #expect(second != first)
            expectError(
                try await api.request(.get, "/api/v1/app/acme", token: first), .unauthorized, code: "authentication_failed")
            #expect(try await api.request(.get, "/api/v1/app/acme", token: second).status == .ok)

            let updated = try await api.put("/api/v1/app/acme/integration/\(id)", #"{"name":"Zapier 2"}"#)
            #expect(
                updated.status == .ok && updated["name"] == "Zapier 2" && updated["featureFlags"] == nil, "body: \(updated.text)")
            expectValidationError(try await api.put("/api/v1/app/acme/integration/\(id)", #"{"name":""}"#), at: ["body", "name"])
            expectValidationError(
                try await api.post("/api/v1/app/acme/integration", #"{"name":"x","featureFlags":["no good"]}"#),
                at: ["body", "featureFlags", "0"])

            #expect(try await api.delete("/api/v1/app/acme/integration/\(id)").status == .noContent)
            expectError(
                try await api.request(.get, "/api/v1/app/acme", token: second), .unauthorized, code: "authentication_failed")
            expectError(try await api.get("/api/v1/app/acme/integration/\(id)"), .notFound, code: "not_found")
            expectError(try await api.post("/api/v1/app/nobody/integration", #"{"name":"x"}"#), .notFound, code: "not_found")
        }
    }
}
