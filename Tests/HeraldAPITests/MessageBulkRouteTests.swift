import Testing

/// `POST …/msg/precheck/active` and `POST …/msg/bulk-expunge`.
@Suite struct MessageBulkRouteTests {
    @Test func precheckAnswersWhetherAnEnabledEndpointWouldGetTheMessage() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let path = "/api/v1/app/\(app)/msg/precheck/active"
            #expect(try await api.post(path, #"{"eventType":"user.created"}"#).json == ["active": false])
            _ = try await api.createEndpoint(app: app, #"{"url":"https://example.com/a","eventTypes":["user.created"]}"#)
            _ = try await api.createEndpoint(app: app, #"{"url":"https://example.com/b","disabled":true}"#)
            _ = try await api.createEndpoint(app: app, #"{"url":"https://example.com/c","channels":["eu"]}"#)

            let cases: [(String, Bool)] = [
                (#"{"eventType":"user.created"}"#, true),
                (#"{"eventType":"invoice.paid"}"#, false),  // only the disabled endpoint takes every type
                (#"{"eventType":"invoice.paid","channels":["us"]}"#, false),
                (#"{"eventType":"invoice.paid","channels":["us","eu"]}"#, true),
            ]
            for (body, active) in cases {
                let response = try await api.post(path, body)
                #expect(response.status == .ok, "\(body): \(response.text)")
                #expect(response["active"] == .bool(active), "\(body)")
            }
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.isEmpty, "a precheck creates nothing")
            expectValidationError(try await api.post(path, #"{"eventType":"no spaces"}"#), at: ["body", "eventType"])
            expectError(
                try await api.post("/api/v1/app/app_unknown/msg/precheck/active", #"{"eventType":"a"}"#), .notFound,
                code: "not_found")
        }
    }

    @Test func bulkExpungeErasesEachNamedPayloadAndSaysWhichWereNotFound() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let other = try await api.createApplication(name: "Other")
            let first = try await api.sendMessage(app: app)
            let second = try await api.sendMessage(app: app, #"{"eventType":"a","eventId":"evt-2","payload":{"n":2}}"#)
            let kept = try await api.sendMessage(app: app)
            let foreign = try await api.sendMessage(app: other)
            let body = #"{"ids":["\#(first)","evt-2","msg_unknown","\#(foreign)","\#(first)"]}"#

            let response = try await api.post("/api/v1/app/\(app)/msg/bulk-expunge", body)
            #expect(response.status == .ok, "body: \(response.text)")
            let expected: JSON = [
                "results": [
                    first: "expunged", "evt-2": "expunged", "msg_unknown": "not-found", foreign: "not-found",
                ]
            ]
            #expect(response.json == expected)
            for id in [first, second["id"]?.string ?? ""] {
                #expect(try await api.get("/api/v1/app/\(app)/msg/\(id)")["payload"] == [:])
            }
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(kept)")["payload"] == ["n": 1])
            #expect(try await api.get("/api/v1/app/\(other)/msg/\(foreign)")["payload"] == ["n": 1])

            let tooMany = #"{"ids":[\#(Array(repeating: #""msg_x""#, count: 251).joined(separator: ","))]}"#
            expectValidationError(try await api.post("/api/v1/app/\(app)/msg/bulk-expunge", tooMany), at: ["body", "ids"])
            #expect(try await api.post("/api/v1/app/\(app)/msg/bulk-expunge", "{}").json == ["results": [:]])
            expectError(
                try await api.post("/api/v1/app/app_unknown/msg/bulk-expunge", body), .notFound, code: "not_found")
        }
    }

    @Test func expungeAllContentsErasesEveryPayloadOfTheApplicationAsATask() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let other = try await api.createApplication(name: "Other")
            let messages = [try await api.sendMessage(app: app), try await api.sendMessage(app: app)]
            let foreign = try await api.sendMessage(app: other)

            let purge = try await api.post("/api/v1/app/\(app)/msg/expunge-all-contents", "")
            #expect(purge.status == .accepted, "body: \(purge.text)")
            #expect(purge["task"] == "application.purge_content")
            #expect(purge["status"] == "finished")
            #expect(purge["data"] == ["messagesPurged": 2])
            let id = try #require(purge["id"]?.string)
            #expect(try await api.get("/api/v1/background-task/\(id)").json == purge.json)
            let purges = try await api.get("/api/v1/background-task?task=application.purge_content")
            #expect(purges.ids == [id])
            for message in messages {
                #expect(try await api.get("/api/v1/app/\(app)/msg/\(message)")["payload"] == [:])
            }
            #expect(try await api.get("/api/v1/app/\(other)/msg/\(foreign)")["payload"] == ["n": 1])
            let again = try await api.post("/api/v1/app/\(app)/msg/expunge-all-contents", "")
            #expect(again["data"] == ["messagesPurged": 0])
            expectError(
                try await api.post("/api/v1/app/app_unknown/msg/expunge-all-contents", ""), .notFound, code: "not_found")
        }
    }
}
