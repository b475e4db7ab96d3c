import Foundation
import Testing

/// `/api/v1/app/{app_id}/destination`: polling endpoints, the one destination type Herald serves.
@Suite struct DestinationRouteTests {
    static let polling = #"{"type":"pollingEndpoint","config":{}}"#

    @Test func pollingEndpointsAreCreatedListedChangedAndDeletedPerApplication() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            _ = try await api.createApplication(name: "Other", uid: "other")
            let created = try await api.post(
                "/api/v1/app/acme/destination",
                #"{"type":"pollingEndpoint","uid":"audit","eventTypes":["invoice.paid"],"channels":[],"metadata":{"team":"ops"}}"#
            )
            #expect(created.status == .created, "body: \(created.text)")
            let id = try #require(created["id"]?.string)
            #expect(isIdentifier(created["id"], prefix: "poll_") && created["type"] == "pollingEndpoint")
            #expect(created["status"] == "enabled" && created["eventTypes"] == .array(["invoice.paid"]))
            #expect(isUnset(created["channels"]) && created["config"] == .object([:]) && created["batchSize"]?.int == 100)
            #expect(isIdentifier(created["currentIterator"], prefix: "msg_") && isTimestamp(created["createdAt"]))
            #expect(created["metadata"] == .object(["team": "ops"]) && isUnset(created["failureReason"]))

            let second = try await api.post("/api/v1/app/\(app)/destination", Self.polling)
            #expect(try await api.get("/api/v1/app/acme/destination").ids == [id, second["id"]?.string ?? ""])
            #expect(try await api.get("/api/v1/app/other/destination").ids.isEmpty)
            #expect(try await api.get("/api/v1/app/acme/destination/audit")["id"]?.string == id)
            expectError(try await api.get("/api/v1/app/other/destination/\(id)"), .notFound, code: "not_found")
            expectError(
                try await api.post("/api/v1/app/acme/destination", #"{"type":"pollingEndpoint","uid":"audit"}"#),
                .conflict, code: "conflict")

            let patched = try await api.patch(
                "/api/v1/app/acme/destination/audit", #"{"type":"pollingEndpoint","status":"disabled","eventTypes":null}"#)
            #expect(patched["status"] == "disabled" && isUnset(patched["eventTypes"]) && patched["uid"] == "audit")
            #expect(patched["metadata"] == .object(["team": "ops"]), "body: \(patched.text)")
            let replaced = try await api.put("/api/v1/app/acme/destination/\(id)", #"{"type":"pollingEndpoint","batchSize":5}"#)
            #expect(replaced.status == .ok && replaced["status"] == "enabled" && replaced["batchSize"]?.int == 5)
            #expect(replaced["uid"] == "audit" && replaced["metadata"] == .object([:]), "body: \(replaced.text)")
            let upserted = try await api.put("/api/v1/app/acme/destination/by-put", Self.polling)
            #expect(upserted.status == .created && upserted["uid"] == "by-put", "body: \(upserted.text)")

            #expect(try await api.delete("/api/v1/app/acme/destination/audit").status == .noContent)
            expectError(try await api.get("/api/v1/app/acme/destination/\(id)"), .notFound, code: "not_found")
            expectError(try await api.post("/api/v1/app/nobody/destination", Self.polling), .notFound, code: "not_found")
        }
    }

    @Test func onlyPollingEndpointsWithValidFieldsAreAccepted() async throws {
        try await TestAPI.run { api in
            _ = try await api.createApplication(uid: "acme")
            let path = "/api/v1/app/acme/destination"
            expectValidationError(try await api.post(path, #"{"type":"sqs","config":{}}"#), at: ["body", "type"])
            expectValidationError(try await api.post(path, #"{"config":{}}"#), at: ["body", "type"])
            expectValidationError(
                try await api.post(path, #"{"type":"pollingEndpoint","config":{"url":"x"}}"#), at: ["body", "config"])
            expectValidationError(
                try await api.post(path, #"{"type":"pollingEndpoint","status":"paused"}"#), at: ["body", "status"])
            expectValidationError(
                try await api.post(path, #"{"type":"pollingEndpoint","batchSize":0}"#), at: ["body", "batchSize"])
            expectValidationError(
                try await api.post(path, #"{"type":"pollingEndpoint","maxWaitSecs":301}"#), at: ["body", "maxWaitSecs"])
            expectValidationError(
                try await api.post(path, #"{"type":"pollingEndpoint","uid":"no good"}"#), at: ["body", "uid"])
            expectValidationError(
                try await api.post(path, #"{"type":"pollingEndpoint","eventTypes":["a b"]}"#), at: ["body", "eventTypes", "0"])
            expectError(try await api.post(path, #"{"type":"pollingEndpoint""#), .badRequest, code: "bad_request")
        }
    }
}
