import Foundation
import Testing

/// No delivery engine runs here, so attempt lists are empty unless a test records attempts in the store itself; the
/// routes still resolve and check what they name.
@Suite struct AttemptRouteTests {
    static let emptyList: JSON = ["data": [], "iterator": nil, "prevIterator": nil, "done": true]

    @Test func attemptListsOfAnEndpointAndOfAMessageAreEmptyLists() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let message = try await api.sendMessage(app: app)

            for path in [
                "/api/v1/app/\(app)/attempt/endpoint/\(endpoint)",
                "/api/v1/app/\(app)/attempt/msg/\(message)",
                "/api/v1/app/\(app)/attempt/msg/\(message)?endpoint_id=\(endpoint)&status=1&status_code_class=500",
            ] {
                let response = try await api.get(path)
                #expect(response.status == .ok, "\(path): \(response.text)")
                #expect(response.json == Self.emptyList, "\(path): \(response.text)")
            }
        }
    }

    @Test func anUnknownAttemptIsNotFound() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let message = try await api.sendMessage(app: app)
            expectError(
                try await api.get("/api/v1/app/\(app)/msg/\(message)/attempt/atmpt_2bQdmhBpnaG8GFG1eCfUqZ"),
                .notFound,
                code: "not_found"
            )
        }
    }

    @Test func anAttemptsResponseBodyCanBeErased() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpointID = try await api.createEndpoint(app: app)
            let messageID = try await api.sendMessage(app: app)
            let attempt = makeAttempt(
                app: app, message: messageID, endpoint: endpointID, at: Date(), statusCode: 500,
                response: #"{"card":"4242 4242 4242 4242"}"#)
            try await api.record([attempt], next: .unchanged)
            let path = "/api/v1/app/\(app)/msg/\(messageID)/attempt/\(attempt.id)"
            #expect(try await api.get(path)["response"] == .string(attempt.response))

            let erased = try await api.delete(path + "/content")
            #expect(erased.status == .noContent, "body: \(erased.text)")
            #expect(erased.text.isEmpty)
            let read = try await api.get(path)
            #expect(read.status == .ok)
            #expect(read["response"] == "")
            #expect(read["responseStatusCode"] == 500)
            #expect(try await api.delete(path + "/content").status == .noContent)

            let other = try await api.createApplication(name: "Other")
            for unknown in [
                "/api/v1/app/\(other)/msg/\(messageID)/attempt/\(attempt.id)/content",
                "/api/v1/app/\(app)/msg/msg_unknown/attempt/\(attempt.id)/content",
                "/api/v1/app/\(app)/msg/\(messageID)/attempt/atmpt_unknown/content",
            ] {
                expectError(try await api.delete(unknown), .notFound, code: "not_found")
            }
        }
    }

    @Test func attemptStatsCountAnEndpointsAttemptsInAWindowOfWholeHours() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpointID = try await api.createEndpoint(app: app)
            let messageID = try await api.sendMessage(app: app)
            let now = Date()
            let attempts = [(500, now.addingTimeInterval(-7200)), (200, now), (200, now)].map { code, at in
                makeAttempt(app: app, message: messageID, endpoint: endpointID, at: at, statusCode: code)
            }
            try await api.record(attempts, next: .unchanged)
            let path = "/api/v1/app/\(app)/endpoint/\(endpointID)/attempt-stats"
            let formatter = ISO8601DateFormatter()

            #expect(try await api.get(path).json == ["success": 2, "fail": 1, "canceled": 0])
            let recent = try await api.get(path + "?since=" + formatter.string(from: now.addingTimeInterval(-1800)))
            #expect(recent.json == ["success": 2, "fail": 0, "canceled": 0])
            // `until` one second after the failure, rounded up to its hour's end, still holds it.
            let early = try await api.get(path + "?until=" + formatter.string(from: now.addingTimeInterval(-7199)))
            #expect(early["fail"] == 1)
            expectValidationError(try await api.get(path + "?since=yesterday"), at: ["query", "since"])
            expectError(
                try await api.get("/api/v1/app/\(app)/endpoint/ep_unknown/attempt-stats"), .notFound, code: "not_found")
        }
    }

    @Test func attemptRoutesNamingAnUnknownEndpointOrMessageAreNotFound() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            for path in [
                "/api/v1/app/\(app)/attempt/endpoint/ep_unknown",
                "/api/v1/app/\(app)/attempt/msg/msg_unknown",
                "/api/v1/app/\(app)/msg/msg_unknown/attempt/atmpt_unknown",
                "/api/v1/app/\(app)/msg/msg_unknown/endpoint",
                "/api/v1/app/\(app)/endpoint/ep_unknown/msg",
                "/api/v1/app/app_unknown/attempt/msg/msg_unknown",
            ] {
                expectError(try await api.get(path), .notFound, code: "not_found")
            }
        }
    }

    @Test func invalidAttemptFiltersAreRefusedWith422() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let base = "/api/v1/app/\(app)/attempt/endpoint/\(endpoint)"
            expectValidationError(try await api.get(base + "?status_code_class=250"), at: ["query", "status_code_class"])
            expectValidationError(try await api.get(base + "?status=9"), at: ["query", "status"])
            expectValidationError(try await api.get(base + "?before=not-a-date"), at: ["query", "before"])
        }
    }
}
