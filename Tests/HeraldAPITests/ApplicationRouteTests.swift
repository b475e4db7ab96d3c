import Testing

@Suite struct ApplicationRouteTests {
    @Test func creatingAnApplicationAnswers201WithItsIdTimestampsAndEmptyMetadata() async throws {
        try await TestAPI.run { api in
            let response = try await api.post("/api/v1/app", #"{"name":"Acme","uid":"acme"}"#)
            #expect(response.status == .created)
            #expect(response.headers[.contentType] == "application/json")
            #expect(isIdentifier(response["id"], prefix: "app_"))
            #expect(response["name"] == "Acme")
            #expect(response["uid"] == "acme")
            #expect(response["metadata"] == [:])
            #expect(isTimestamp(response["createdAt"]))
            #expect(isTimestamp(response["updatedAt"]))
        }
    }

    @Test func anApplicationCanBeReadByIdAndByUid() async throws {
        try await TestAPI.run { api in
            let created = try await api.post(
                "/api/v1/app",
                #"{"name":"Acme","uid":"acme","throttleRate":7,"metadata":{"tier":"gold"}}"#
            )
            let id = try #require(created["id"]?.string)
            for key in [id, "acme"] {
                let response = try await api.get("/api/v1/app/\(key)")
                #expect(response.status == .ok)
                #expect(response.json == created.json)
                #expect(response["throttleRate"] == 7)
                #expect(response["metadata"] == ["tier": "gold"])
            }
        }
    }

    @Test func getIfExistsAnswersTheExistingApplicationWith200() async throws {
        try await TestAPI.run { api in
            let first = try await api.post("/api/v1/app?get_if_exists=true", #"{"name":"First","uid":"acme"}"#)
            #expect(first.status == .created)
            let again = try await api.post("/api/v1/app?get_if_exists=true", #"{"name":"Second","uid":"acme"}"#)
            #expect(again.status == .ok)
            #expect(again["id"] == first["id"])
            #expect(again["name"] == "First")
            #expect(try await api.get("/api/v1/app").data.count == 1)
        }
    }

    @Test func getIfExistsCreatesWhenNoApplicationHasTheUid() async throws {
        try await TestAPI.run { api in
            _ = try await api.createApplication(uid: "other")
            let response = try await api.post("/api/v1/app?get_if_exists=true", #"{"name":"New","uid":"acme"}"#)
            #expect(response.status == .created)
            #expect(response["uid"] == "acme")
        }
    }

    @Test func concurrentGetIfExistsRequestsAllAnswerOneApplication() async throws {
        try await TestAPI.run { api in
            let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await api.post("/api/v1/app?get_if_exists=true", #"{"name":"App \#(index)","uid":"acme"}"#)
                    }
                }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(responses.filter { $0.status == .created }.count == 1)
            #expect(responses.filter { $0.status == .ok }.count == 9)
            #expect(Set(responses.compactMap { $0["id"]?.string }).count == 1)
            #expect(try await api.get("/api/v1/app").data.count == 1)
        }
    }

    @Test func listingApplicationsAnswersDataIteratorPrevIteratorAndDone() async throws {
        try await TestAPI.run { api in
            let empty = try await api.get("/api/v1/app")
            #expect(empty.status == .ok)
            #expect(empty.json == ["data": [], "iterator": nil, "prevIterator": nil, "done": true])

            let first = try await api.createApplication(name: "One")
            let second = try await api.createApplication(name: "Two")
            let list = try await api.get("/api/v1/app")
            #expect(list.ids == [first, second].sorted())
            #expect(list["iterator"] == .null)
            #expect(list["prevIterator"] != nil)
            #expect(list["done"] == true)
            #expect(list.data.allSatisfy { $0["metadata"]?.object != nil })
        }
    }

    @Test func listingInDescendingOrderReversesTheList() async throws {
        try await TestAPI.run { api in
            var ids: [String] = []
            for name in ["One", "Two", "Three"] { ids.append(try await api.createApplication(name: name)) }
            let list = try await api.get("/api/v1/app?order=descending")
            #expect(list.ids == ids.sorted().reversed())
        }
    }

    @Test func putCreatesAnApplicationWith201ThenUpdatesItWith200() async throws {
        try await TestAPI.run { api in
            let created = try await api.put("/api/v1/app/acme", #"{"name":"Acme","metadata":{"a":"1"}}"#)
            #expect(created.status == .created)
            #expect(created["uid"] == "acme")
            #expect(created["name"] == "Acme")

            let updated = try await api.put("/api/v1/app/acme", #"{"name":"Acme Corp","throttleRate":3}"#)
            #expect(updated.status == .ok)
            #expect(updated["id"] == created["id"])
            #expect(updated["uid"] == "acme")
            #expect(updated["name"] == "Acme Corp")
            #expect(updated["throttleRate"] == 3)
            // PUT replaces: metadata not sent is reset.
            #expect(updated["metadata"] == [:])
            #expect(try await api.get("/api/v1/app/acme")["name"] == "Acme Corp")
        }
    }

    @Test func patchLeavesAbsentFieldsAndClearsNullOnes() async throws {
        try await TestAPI.run { api in
            let created = try await api.post(
                "/api/v1/app",
                #"{"name":"Acme","uid":"acme","throttleRate":5,"metadata":{"tier":"gold"}}"#
            )
            let id = try #require(created["id"]?.string)

            let renamed = try await api.patch("/api/v1/app/\(id)", #"{"name":"Acme Corp"}"#)
            #expect(renamed.status == .ok)
            #expect(renamed["name"] == "Acme Corp")
            #expect(renamed["uid"] == "acme")
            #expect(renamed["throttleRate"] == 5)
            #expect(renamed["metadata"] == ["tier": "gold"])

            let cleared = try await api.patch("/api/v1/app/acme", #"{"throttleRate":null,"metadata":null}"#)
            #expect(cleared.status == .ok)
            #expect(cleared["name"] == "Acme Corp")
            #expect(isUnset(cleared["throttleRate"]))
            #expect(cleared["metadata"] == [:])

            let read = try await api.get("/api/v1/app/\(id)")
            #expect(read.json == cleared.json)
        }
    }

    @Test func deletingAnApplicationAnswers204ThenItIsNotFound() async throws {
        try await TestAPI.run { api in
            let id = try await api.createApplication(uid: "acme")
            _ = try await api.createEndpoint(app: id)
            _ = try await api.sendMessage(app: id)

            let deleted = try await api.delete("/api/v1/app/\(id)")
            #expect(deleted.status == .noContent)
            #expect(deleted.text.isEmpty)
            expectError(try await api.get("/api/v1/app/\(id)"), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/acme/endpoint"), .notFound, code: "not_found")
            expectError(try await api.delete("/api/v1/app/\(id)"), .notFound, code: "not_found")
            #expect(try await api.get("/api/v1/app").data.isEmpty)
            // The uid is free again.
            #expect(try await api.post("/api/v1/app", #"{"name":"Again","uid":"acme"}"#).status == .created)
        }
    }

    @Test func patchingOrReadingAnUnknownApplicationIsNotFound() async throws {
        try await TestAPI.run { api in
            expectError(try await api.patch("/api/v1/app/missing", #"{"name":"X"}"#), .notFound, code: "not_found")
            expectError(try await api.get("/api/v1/app/app_2bQdmhBpnaG8GFG1eCfUqZ"), .notFound, code: "not_found")
        }
    }
}
