import Foundation
import HeraldAPI
import HeraldStore
import Hummingbird
import Testing

/// The OpenAPI document describes exactly the routes the server has, and is the one served and committed.
@Suite struct OpenAPIContractTests {
    /// `METHOD /path` for every operation under `paths:`: paths at two spaces of indent, methods at four.
    static func specOperations(_ spec: String) -> Set<String> {
        let methods: Set<String> = ["get", "put", "post", "patch", "delete", "head", "options", "trace"]
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in spec.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line.hasPrefix("paths:")
                path = nil
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = String(line.dropFirst(4).dropLast())
                if methods.contains(method) { operations.insert("\(method.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test func theSpecListsExactlyTheRoutesTheRouterServes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let router = HeraldRouter.make(store: store, configuration: TestAPI.configuration)

        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = Self.specOperations(HeraldRouter.openAPISpec)
        #expect(served.count >= 35)
        #expect(served.subtracting(documented).sorted() == [], "served but not in the spec")
        #expect(documented.subtracting(served).sorted() == [], "in the spec but not served")
        #expect(documented.contains("POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate"))
    }

    @Test func theSpecParserFindsOperationsOnlyUnderPaths() {
        let spec = """
            openapi: 3.1.0
            paths:
              /a:
                get:
                  summary: x
                post:
                  responses:
                    get:
              /b/{id}:
                delete:
            components:
              /c:
                get:
            """
        #expect(Self.specOperations(spec) == ["GET /a", "POST /a", "DELETE /b/{id}"])
    }

    @Test func theCommittedSchemaFileIsTheSpecTheServerShips() throws {
        let schema = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Schemas/openapi.yaml")
        let text = try String(contentsOf: schema, encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3."))
        #expect(text == HeraldRouter.openAPISpec)
    }

    @Test func theSpecIsServedToAuthenticatedClients() async throws {
        try await TestAPI.run { api in
            let response = try await api.get("/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            #expect(response.text == HeraldRouter.openAPISpec)
            #expect(response.text.contains("\npaths:\n"))
        }
    }
}
