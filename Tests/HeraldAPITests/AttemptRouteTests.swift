import Testing

/// Nothing delivers messages yet, so every attempt list is empty; the routes still resolve and check what they name.
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
