import Testing

/// `POST …/endpoint/{ep}/send-example`: a message to one endpoint, to try it out.
@Suite struct SendExampleRouteTests {
    static let schemas = #"""
        {"1":{"type":"object","examples":[{"user":"v1"}]},
         "2":{"type":"object","examples":[{"user":"first","n":1},{"user":"second"}]}}
        """#

    @Test func anExampleGoesToThatEndpointAloneWhateverItsFilters() async throws {
        try await TestAPI.run { api in
            let created = try await api.post(
                "/api/v1/event-type", #"{"name":"user.created","description":"d","schemas":\#(Self.schemas)}"#)
            try #require(created.status == .created, "\(created.text)")
            let app = try await api.createApplication()
            let target = try await api.createEndpoint(
                app: app, #"{"url":"https://example.com/a","uid":"target","eventTypes":["invoice.paid"]}"#)
            let other = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/target/send-example"

            let first = try await api.post(path, #"{"eventType":"user.created"}"#)
            #expect(first.status == .accepted, "body: \(first.text)")
            #expect(first["eventType"] == "user.created")
            #expect(first["payload"] == ["n": 1, "user": "first"])
            let second = try await api.post(path, #"{"eventType":"user.created","exampleIndex":1}"#)
            #expect(second["payload"] == ["user": "second"])
            let ping = try await api.post(path, #"{"eventType":"svix.ping"}"#)
            #expect(ping["payload"] == ["success": true])
            let own = try await api.post(path, #"{"eventType":"svix.ping","payload":{"mine":[1, 2]}}"#)
            #expect(own.text.contains(#""payload":{"mine":[1, 2]}"#), "the caller's bytes: \(own.text)")

            for sent in [first, second, ping, own] {
                let id = try #require(sent["id"]?.string)
                #expect(try await api.destinations(app: app, message: id) == [target])
            }
            // An ordinary message still follows the filters.
            let ordinary = try await api.sendMessage(app: app)
            #expect(try await api.destinations(app: app, message: ordinary) == [other])
        }
    }

    @Test func anExampleNeedsAKnownEventTypeWithASchemaExampleAndAKnownEndpoint() async throws {
        try await TestAPI.run { api in
            _ = try await api.post("/api/v1/event-type", #"{"name":"plain","description":"no schema"}"#)
            _ = try await api.post(
                "/api/v1/event-type", #"{"name":"listed","description":"d","schemas":\#(Self.schemas)}"#)
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/send-example"

            expectError(try await api.post(path, #"{"eventType":"plain"}"#), .badRequest, code: "invalid_schema")
            expectError(try await api.post(path, #"{"eventType":"unknown.type"}"#), .notFound, code: "not_found")
            expectValidationError(
                try await api.post(path, #"{"eventType":"listed","exampleIndex":2}"#), at: ["body", "exampleIndex"])
            expectValidationError(
                try await api.post(path, #"{"eventType":"listed","exampleIndex":-1}"#), at: ["body", "exampleIndex"])
            expectValidationError(
                try await api.post(path, #"{"eventType":"svix.ping","payload":[1]}"#), at: ["body", "payload"])
            expectValidationError(try await api.post(path, #"{"eventType":"no spaces"}"#), at: ["body", "eventType"])
            expectError(
                try await api.post("/api/v1/app/\(app)/endpoint/ep_unknown/send-example", #"{"eventType":"svix.ping"}"#),
                .notFound, code: "not_found")
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.isEmpty)
        }
    }
}
