import Testing

@Suite struct PaginationTests {
    @Test func applicationPagesYieldEveryApplicationOnceInOrder() async throws {
        try await TestAPI.run { api in
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await api.createApplication(name: "App \(index)")) }
            try await Self.checkPaging(api, "/api/v1/app", expected: ids.sorted())
            try await Self.checkPaging(api, "/api/v1/app?order=descending", expected: ids.sorted().reversed())
        }
    }

    @Test func endpointPagesYieldEveryEndpointOnceInOrder() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let other = try await api.createApplication()
            _ = try await api.createEndpoint(app: other)
            var ids: [String] = []
            for _ in 0..<6 { ids.append(try await api.createEndpoint(app: app)) }
            try await Self.checkPaging(api, "/api/v1/app/\(app)/endpoint", expected: ids.sorted())
        }
    }

    @Test func messagePagesYieldEveryMessageOnceNewestFirst() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            var ids: [String] = []
            for _ in 0..<7 { ids.append(try await api.sendMessage(app: app)) }
            try await Self.checkPaging(api, "/api/v1/app/\(app)/msg", expected: ids.sorted().reversed())
            try await Self.checkPaging(api, "/api/v1/app/\(app)/msg?with_content=false", expected: ids.sorted().reversed())
        }
    }

    @Test func eventTypePagesYieldEveryEventTypeOnceByName() async throws {
        try await TestAPI.run { api in
            let names = ["delta", "alpha", "echo", "charlie", "bravo"]
            for name in names {
                #expect(try await api.post("/api/v1/event-type", #"{"name":"\#(name)","description":"x"}"#).status == .created)
            }
            try await Self.checkPaging(api, "/api/v1/event-type", expected: names.sorted(), key: "name")
        }
    }

    @Test func messageEndpointPagesYieldEveryDestinationOnce() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            var ids: [String] = []
            for _ in 0..<5 { ids.append(try await api.createEndpoint(app: app)) }
            let message = try await api.sendMessage(app: app)
            try await Self.checkPaging(api, "/api/v1/app/\(app)/msg/\(message)/endpoint", expected: ids.sorted())
        }
    }

    @Test func limitsOutsideOneTo250AreRefusedWith422() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let message = try await api.sendMessage(app: app)
            for path in [
                "/api/v1/app", "/api/v1/app/\(app)/endpoint", "/api/v1/app/\(app)/msg", "/api/v1/event-type",
                "/api/v1/app/\(app)/msg/\(message)/endpoint", "/api/v1/app/\(app)/endpoint/\(endpoint)/msg",
                "/api/v1/app/\(app)/attempt/endpoint/\(endpoint)", "/api/v1/app/\(app)/attempt/msg/\(message)",
            ] {
                for limit in ["0", "251", "-1"] {
                    expectValidationError(try await api.get(path + "?limit=\(limit)"), at: ["query", "limit"])
                }
                #expect(try await api.get(path + "?limit=250").status == .ok, "\(path)")
                #expect(try await api.get(path + "?limit=1").status == .ok, "\(path)")
            }
        }
    }

    @Test func theDefaultLimitIs50() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            for _ in 0..<51 { _ = try await api.sendMessage(app: app) }
            let first = try await api.get("/api/v1/app/\(app)/msg")
            #expect(first.data.count == 50)
            #expect(first["done"] == false)
            let iterator = try #require(first["iterator"]?.string)
            let rest = try await api.get("/api/v1/app/\(app)/msg?iterator=\(iterator)")
            #expect(rest.data.count == 1)
            #expect(rest["done"] == true)
        }
    }

    /// Walks `path` two items at a time, following `iterator` to the end and `prevIterator` back, checking that the
    /// pages hold `expected` exactly once and in order.
    static func checkPaging(
        _ api: TestAPI,
        _ path: String,
        expected: [String],
        key: String = "id",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let separator = path.contains("?") ? "&" : "?"
        func page(_ iterator: String?) async throws -> APIResponse {
            let uri = path + separator + "limit=2" + (iterator.map { "&iterator=\($0)" } ?? "")
            let response = try await api.get(uri)
            try #require(response.status == .ok, "\(uri): \(response.text)", sourceLocation: sourceLocation)
            return response
        }
        func keys(_ response: APIResponse) -> [String] { response.data.compactMap { $0[key]?.string } }

        var pages: [APIResponse] = [try await page(nil)]
        while let iterator = pages.last?["iterator"]?.string {
            try #require(pages.count <= expected.count, "paging does not end", sourceLocation: sourceLocation)
            pages.append(try await page(iterator))
        }
        let expectedPages = (expected.count + 1) / 2
        #expect(pages.count == expectedPages, sourceLocation: sourceLocation)
        #expect(pages.flatMap(keys) == expected, sourceLocation: sourceLocation)
        for (index, response) in pages.enumerated() {
            let last = index == pages.count - 1
            #expect(keys(response).count == (last && expected.count % 2 == 1 ? 1 : 2), sourceLocation: sourceLocation)
            #expect(response["done"] == .bool(last), "page \(index): \(response.text)", sourceLocation: sourceLocation)
            #expect((response["iterator"] == .null) == last, "page \(index): \(response.text)", sourceLocation: sourceLocation)
            #expect(response["prevIterator"] != nil, sourceLocation: sourceLocation)
        }

        // Back from each later page to the one before it.
        for index in 1..<pages.count {
            let previous = try #require(pages[index]["prevIterator"]?.string, sourceLocation: sourceLocation)
            let back = try await page(previous)
            #expect(keys(back) == keys(pages[index - 1]), "back from page \(index)", sourceLocation: sourceLocation)
        }
    }
}
