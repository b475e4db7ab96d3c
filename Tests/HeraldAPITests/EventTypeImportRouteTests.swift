import Foundation
import Testing

/// Event types from an OpenAPI document's webhooks, and the environment export and import.
@Suite struct EventTypeImportRouteTests {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "Acme webhooks", "version": "1"},
          "webhooks": {
            "invoice.paid": {
              "post": {
                "summary": "An invoice was paid",
                "x-svix-group-name": "billing",
                "x-svix-feature-flags": ["beta"],
                "requestBody": {"$ref": "#/components/requestBodies/Invoice"},
                "responses": {"200": {"description": "ok"}}
              }
            },
            "user.deleted": {
              "post": {
                "description": "A user was deleted",
                "deprecated": true,
                "requestBody": {
                  "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}}
                  }}}
                },
                "responses": {"200": {"description": "ok"}}
              }
            }
          },
          "components": {
            "requestBodies": {
              "Invoice": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}}}
            },
            "schemas": {
              "User": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
              "Invoice": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "customer": {"$ref": "#/components/schemas/User"}}
              }
            }
          }
        }
        """#

    static func body(_ fields: String = "") -> String {
        #"{"spec":\#(document)\#(fields)}"#
    }

    @Test func theWebhooksOfADocumentBecomeEventTypesWithTheirSchemasInlined() async throws {
        try await TestAPI.run { api in
            let dryRun = try await api.post("/api/v1/event-type/import/openapi", Self.body(#","dryRun":true"#))
            #expect(dryRun.status == .ok, "body: \(dryRun.text)")
            #expect(dryRun["data"]?["modified"] == .array(["invoice.paid", "user.deleted"]))
            #expect(dryRun["data"]?["to_modify"]?[0]?["groupName"] == "billing")
            #expect(try await api.get("/api/v1/event-type").data.isEmpty)

            _ = try await api.post("/api/v1/event-type", #"{"name":"old.event","description":"old"}"#)
            _ = try await api.post("/api/v1/event-type", #"{"name":"user.deleted","description":"before","archived":true}"#)
            let imported = try await api.post("/api/v1/event-type/import/openapi", Self.body(#","replaceAll":true"#))
            #expect(imported.status == .ok, "body: \(imported.text)")
            #expect(imported["data"]?["modified"] == .array(["invoice.paid", "user.deleted"]))

            let invoice = try await api.get("/api/v1/event-type/invoice.paid")
            #expect(invoice["description"] == "An invoice was paid")
            #expect(invoice["featureFlags"] == .array(["beta"]))
            let schema = try #require(invoice["schemas"]?["1"])
            #expect(schema["properties"]?["customer"]?["required"] == .array(["id"]))
            #expect(!invoice.text.contains("$ref"))
            let user = try await api.get("/api/v1/event-type/user.deleted")
            #expect(user["description"] == "A user was deleted")
            #expect(user["deprecated"] == .bool(true) && user["archived"] == .bool(false))
            #expect(try await api.get("/api/v1/event-type/old.event")["archived"] == .bool(true))
        }
    }

    @Test func documentsHeraldCannotReadAreRefusedWithTheirPlace() async throws {
        try await TestAPI.run { api in
            let path = "/api/v1/event-type/import/openapi"
            expectError(try await api.post(path, "{}"), .badRequest, code: "bad_request")
            expectError(
                try await api.post(path, #"{"spec":{"webhooks":{}},"specRaw":"{}"}"#), .badRequest, code: "bad_request")
            expectValidationError(try await api.post(path, #"{"specRaw":"webhooks:\n  a: {}"}"#), at: ["body", "specRaw"])
            expectValidationError(try await api.post(path, #"{"spec":{"openapi":"3.1.0"}}"#), at: ["body", "spec"])
            expectValidationError(
                try await api.post(path, #"{"spec":{"webhooks":{"bad name":{"post":{}}}}}"#),
                at: ["body", "spec", "webhooks", "bad name"])
            let external = #"{"spec":{"webhooks":{"a":{"post":{"requestBody":{"$ref":"other.yaml#/x"}}}}}}"#
            expectValidationError(
                try await api.post(path, external), at: ["body", "spec", "webhooks", "a", "post", "requestBody"])
            let loop = #"""
                {"spec":{"webhooks":{"a":{"post":{"requestBody":{"content":{"application/json":{"schema":
                {"$ref":"#/components/schemas/A"}}}}}}},"components":{"schemas":{"A":{"properties":{"a":{"$ref":"#/components/schemas/A"}}}}}}}
                """#
            expectValidationError(
                try await api.post(path, loop),
                at: [
                    "body", "spec", "webhooks", "a", "post", "requestBody", "content", "application/json", "schema", "properties",
                    "a",
                ])
            // References used many times over, nested: 2^25 values if inlined; refused once over the budget.
            var schemas = [#""S0":{"type":"string"}"#]
            for level in 1...25 {
                let child = "#/components/schemas/S\(level - 1)"
                schemas.append(##""S\##(level)":{"properties":{"a":{"$ref":"\##(child)"},"b":{"$ref":"\##(child)"}}}"##)
            }
            let bomb = #"""
                {"spec":{"webhooks":{"a":{"post":{"requestBody":{"content":{"application/json":{"schema":
                {"$ref":"#/components/schemas/S25"}}}}}}},"components":{"schemas":{\#(schemas.joined(separator: ","))}}}}
                """#
            let refused = try await api.post(path, bomb)
            #expect(refused.status == .unprocessableContent, "body: \(refused.text)")
            #expect(refused.text.contains("200000 values"))
            #expect(try await api.get("/api/v1/event-type").data.isEmpty)
        }
    }

    @Test func anExportedEnvironmentImportsIntoAnotherServer() async throws {
        let exported = try await TestAPI.run { api in
            _ = try await api.post(
                "/api/v1/event-type", #"{"name":"a.created","description":"A","schemas":{"1":{"type":"object"}}}"#)
            _ = try await api.post(
                "/api/v1/event-type", #"{"name":"b.gone","description":"B","archived":true,"featureFlags":["x"]}"#)
            let response = try await api.post("/api/v1/environment/export", "")
            #expect(response.status == .ok, "body: \(response.text)")
            #expect(response["version"] == .number(1) && response["settings"] == .null && response["connectors"] == .array([]))
            #expect(response["eventTypes"]?.array?.count == 2)
            return response.text
        }
        try await TestAPI.run { api in
            _ = try await api.post("/api/v1/event-type", #"{"name":"a.created","description":"stale"}"#)
            let imported = try await api.post("/api/v1/environment/import", exported)
            #expect(imported.status == .noContent, "body: \(imported.text)")
            let a = try await api.get("/api/v1/event-type/a.created")
            #expect(a["description"] == "A" && a["schemas"]?["1"] == .object(["type": "object"]))
            let b = try await api.get("/api/v1/event-type/b.gone")
            #expect(b["archived"] == .bool(true) && b["featureFlags"] == .array(["x"]))

            let settings = #"{"settings":{"enableChannels":true},"connectors":[],"eventTypes":[]}"#
            #expect(try await api.post("/api/v1/environment/import", settings).status == .noContent)
            expectValidationError(
                try await api.post(
                    "/api/v1/environment/import",
                    #"{"eventTypes":[{"name":"ok","description":"d"},{"name":"no good","description":"d"}]}"#),
                at: ["body", "eventTypes", "1", "name"])
            expectValidationError(
                try await api.post(
                    "/api/v1/environment/import",
                    #"{"eventTypes":[{"name":"x","description":"d"},{"name":"x","description":"e"}]}"#),
                at: ["body", "eventTypes", "1", "name"])
            #expect(try await api.get("/api/v1/event-type/ok").status == .notFound)
        }
    }
}
