import Testing

@Suite struct EventTypeRouteTests {
    static let schemas = #"{"1":{"type":"object","properties":{"id":{"type":"string"}}}}"#

    @Test func creatingAnEventTypeAnswers201WithItsFields() async throws {
        try await TestAPI.run { api in
            let response = try await api.post(
                "/api/v1/event-type",
                #"{"name":"user.created","description":"A user signed up","schemas":\#(Self.schemas),"groupName":"users"}"#
            )
            #expect(response.status == .created)
            #expect(response["name"] == "user.created")
            #expect(response["description"] == "A user signed up")
            #expect(response["archived"] == false)
            #expect(response["deprecated"] == false)
            #expect(response["groupName"] == "users")
            #expect(response["schemas"]?["1"]?["type"] == "object")
            #expect(isTimestamp(response["createdAt"]))
            #expect(isTimestamp(response["updatedAt"]))

            let read = try await api.get("/api/v1/event-type/user.created")
            #expect(read.status == .ok)
            #expect(read.json == response.json)
        }
    }

    @Test func putCreatesAnEventTypeWith201ThenUpdatesItWith200() async throws {
        try await TestAPI.run { api in
            let created = try await api.put("/api/v1/event-type/invoice.paid", #"{"description":"Paid"}"#)
            #expect(created.status == .created)
            #expect(created["name"] == "invoice.paid")
            #expect(created["description"] == "Paid")

            let updated = try await api.put(
                "/api/v1/event-type/invoice.paid", #"{"description":"Invoice paid","deprecated":true}"#)
            #expect(updated.status == .ok)
            #expect(updated["name"] == "invoice.paid")
            #expect(updated["description"] == "Invoice paid")
            #expect(updated["deprecated"] == true)
            #expect(updated["createdAt"] == created["createdAt"])
        }
    }

    @Test func patchLeavesAbsentFieldsAndNullClearsGroupName() async throws {
        try await TestAPI.run { api in
            _ = try await api.post(
                "/api/v1/event-type", #"{"name":"user.created","description":"Signed up","groupName":"users"}"#)
            let deprecated = try await api.patch("/api/v1/event-type/user.created", #"{"deprecated":true}"#)
            #expect(deprecated.status == .ok)
            #expect(deprecated["deprecated"] == true)
            #expect(deprecated["description"] == "Signed up")
            #expect(deprecated["groupName"] == "users")

            let cleared = try await api.patch("/api/v1/event-type/user.created", #"{"groupName":null,"description":"New"}"#)
            #expect(cleared.status == .ok)
            #expect(isUnset(cleared["groupName"]))
            #expect(cleared["description"] == "New")
            #expect(cleared["deprecated"] == true)
            expectError(try await api.patch("/api/v1/event-type/nope", #"{"deprecated":true}"#), .notFound, code: "not_found")
        }
    }

    @Test func deletingArchivesAndOnlyIncludeArchivedListsIt() async throws {
        try await TestAPI.run { api in
            _ = try await api.post("/api/v1/event-type", #"{"name":"a.kept","description":"kept"}"#)
            _ = try await api.post("/api/v1/event-type", #"{"name":"b.archived","description":"archived"}"#)

            let deleted = try await api.delete("/api/v1/event-type/b.archived")
            #expect(deleted.status == .noContent)
            let read = try await api.get("/api/v1/event-type/b.archived")
            #expect(read.status == .ok)
            #expect(read["archived"] == true)

            let list = try await api.get("/api/v1/event-type")
            #expect(list.data.compactMap { $0["name"]?.string } == ["a.kept"])
            #expect(list["iterator"] == .null)
            #expect(list["done"] == true)
            let all = try await api.get("/api/v1/event-type?include_archived=true")
            #expect(all.data.compactMap { $0["name"]?.string } == ["a.kept", "b.archived"])
        }
    }

    @Test func expungingRemovesTheEventTypeForGood() async throws {
        try await TestAPI.run { api in
            _ = try await api.post("/api/v1/event-type", #"{"name":"gone","description":"soon gone"}"#)
            #expect(try await api.delete("/api/v1/event-type/gone?expunge=true").status == .noContent)
            expectError(try await api.get("/api/v1/event-type/gone"), .notFound, code: "not_found")
            #expect(try await api.get("/api/v1/event-type?include_archived=true").data.isEmpty)
            expectError(try await api.delete("/api/v1/event-type/gone"), .notFound, code: "not_found")
            // The name can be used again.
            #expect(try await api.post("/api/v1/event-type", #"{"name":"gone","description":"back"}"#).status == .created)
        }
    }

    @Test func listingWithContentIncludesSchemasAndWithoutLeavesThemOut() async throws {
        try await TestAPI.run { api in
            _ = try await api.post("/api/v1/event-type", #"{"name":"user.created","description":"x","schemas":\#(Self.schemas)}"#)
            let plain = try await api.get("/api/v1/event-type?with_content=false")
            #expect(plain.data.count == 1)
            #expect(isUnset(plain.data.first?["schemas"]))
            let full = try await api.get("/api/v1/event-type?with_content=true")
            #expect(full.data.first?["schemas"]?["1"]?["type"] == "object")
        }
    }

    @Test func creatingADuplicateEventTypeIsAConflict() async throws {
        try await TestAPI.run { api in
            #expect(try await api.post("/api/v1/event-type", #"{"name":"dup","description":"one"}"#).status == .created)
            expectError(
                try await api.post("/api/v1/event-type", #"{"name":"dup","description":"two"}"#), .conflict, code: "conflict")
            #expect(try await api.get("/api/v1/event-type/dup")["description"] == "one")
        }
    }

    @Test func invalidEventTypesAreRefusedWith422() async throws {
        try await TestAPI.run { api in
            expectValidationError(try await api.post("/api/v1/event-type", #"{"description":"no name"}"#), at: ["body", "name"])
            expectValidationError(
                try await api.post("/api/v1/event-type", #"{"name":"has space","description":"x"}"#), at: ["body", "name"])
            expectValidationError(try await api.post("/api/v1/event-type", #"{"name":"x"}"#), at: ["body", "description"])
            expectValidationError(
                try await api.post("/api/v1/event-type", #"{"name":"x","description":"x","schemas":{"1":"not a schema"}}"#),
                at: ["body", "schemas", "1"]
            )
            #expect(try await api.get("/api/v1/event-type?include_archived=true").data.isEmpty)
        }
    }
}
