import Testing

/// `application` in a message body: Svix's way to create the application alongside its first message.
@Suite struct MessageWithApplicationTests {
    static func body(_ application: String, eventType: String = "user.created") -> String {
        #"{"eventType":"\#(eventType)","payload":{"n":1},"application":\#(application)}"#
    }

    @Test func aMessageToAnUnknownApplicationCreatesItWhenTheBodyDescribesIt() async throws {
        try await TestAPI.run { api in
            let first = try await api.post("/api/v1/app/customer-42/msg", Self.body(#"{"name":"Customer 42"}"#))
            #expect(first.status == .accepted, "body: \(first.text)")
            let application = try await api.get("/api/v1/app/customer-42")
            #expect(application.status == .ok)
            #expect(application["name"] == "Customer 42")
            #expect(application["uid"] == "customer-42")
            let id = try #require(application["id"]?.string)

            // Once it exists the description is ignored, whatever it says.
            let second = try await api.post(
                "/api/v1/app/customer-42/msg", Self.body(#"{"name":"Renamed","uid":"customer-42","throttleRate":5}"#))
            #expect(second.status == .accepted, "body: \(second.text)")
            #expect(try await api.get("/api/v1/app/\(id)")["name"] == "Customer 42")
            let sent = [second["id"]?.string, first["id"]?.string].compactMap { $0 }
            #expect(try await api.get("/api/v1/app/\(id)/msg").ids == sent)
            #expect(try await api.get("/api/v1/app").data.count == 1)
        }
    }

    @Test func withoutADescriptionOrWithABadOneAnUnknownApplicationIsNotCreated() async throws {
        try await TestAPI.run { api in
            expectError(
                try await api.post("/api/v1/app/nobody/msg", #"{"eventType":"a","payload":{}}"#), .notFound,
                code: "not_found")
            expectError(try await api.post("/api/v1/app/nobody/msg", Self.body("null")), .notFound, code: "not_found")
            expectValidationError(
                try await api.post("/api/v1/app/nobody/msg", Self.body(#"{"name":"N","uid":"somebody"}"#)),
                at: ["body", "application", "uid"])
            expectValidationError(
                try await api.post("/api/v1/app/nobody/msg", Self.body(#"{"name":" "}"#)),
                at: ["body", "application", "name"])
            expectValidationError(
                try await api.post("/api/v1/app/nobody/msg", Self.body(#"{"name":"N","throttleRate":-1}"#)),
                at: ["body", "application", "throttleRate"])
            expectValidationError(
                try await api.post("/api/v1/app/no%20body/msg", Self.body(#"{"name":"N"}"#)),
                at: ["body", "application", "uid"])
            #expect(try await api.post("/api/v1/app/nobody/msg", Self.body(#"{"uid":"nobody"}"#)).status == .unprocessableContent)
            #expect(try await api.get("/api/v1/app").data.isEmpty)
        }
    }

    @Test func concurrentFirstMessagesCreateOneApplicationAndAllArrive() async throws {
        try await TestAPI.run { api in
            let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await api.post("/api/v1/app/burst/msg", Self.body(#"{"name":"Burst \#(index)"}"#))
                    }
                }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == .accepted }, "\(responses.map(\.text))")
            #expect(try await api.get("/api/v1/app").data.count == 1)
            #expect(try await api.get("/api/v1/app/burst/msg").ids.count == 10)
        }
    }
}
