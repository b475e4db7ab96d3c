import Foundation
import HeraldCore
import HeraldStore
import Testing

@testable import herald

@Suite struct TokenCommandTests {
    func withDataDirectory<T>(_ body: (StoreOptions) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(try StoreOptions.parse(["--data-dir", path]))
    }

    @Test func listShowsIdsNamesAndStateButNeverTheTokenOrItsHash() async throws {
        try await withDataDirectory { options in
            let store = try options.openStore()
            let ciToken = try await TokenIssuer.issue(name: "ci", store: store)
            _ = try await TokenIssuer.issue(name: "deploy", store: store)
            let ci = try #require(try await store.token(hash: APITokenSecret.hash(ciToken)))
            _ = try await TokenIssuer.revoke(ci.id, store: store, serversRefuse: "within a second", now: Date())

            let table = TokenIssuer.table(try await store.tokens())
            let lines = table.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("ID"))
            #expect(lines[1].hasPrefix(ci.id) && lines[1].contains("ci") && lines[1].contains("revoked 20"))
            #expect(lines[2].contains("deploy") && lines[2].hasSuffix("live"))
            #expect(!table.contains(ciToken))
            #expect(!table.contains(ci.hash))
            #expect(TokenIssuer.table([]) == "No API tokens.\n")
        }
    }

    @Test func anApplicationTokenIsListedWithItsScopeAndExpiry() async throws {
        try await withDataDirectory { options in
            let store = try options.openStore()
            let app = try await store.insertApplication(
                Application(
                    id: "app_1", uid: "acme", name: "Acme", throttleRate: nil, metadata: [:], createdAt: Date(),
                    updatedAt: Date()))
            let scope = ApplicationTokenScope(
                application: try await TokenIssuer.applicationID("acme", store: store),
                capabilities: try TokenIssuer.capabilities("CreateAttempts, ViewEndpointSecret"))
            let token = try await TokenIssuer.issue(name: "tenant", store: store, scope: scope, lifetime: 3600)
            let stored = try #require(try await store.token(hash: APITokenSecret.hash(token)))
            #expect(
                stored.scope == ApplicationTokenScope(application: app.id, capabilities: [.createAttempts, .viewEndpointSecret]))
            _ = try await TokenIssuer.issue(name: "ci", store: store)

            let now = Date()
            let lines = TokenIssuer.table(try await store.tokens(), now: now).split(separator: "\n").map(String.init)
            #expect(lines[0].contains("SCOPE"))
            #expect(lines[1].contains("app_1 ViewBase,ViewEndpointSecret,CreateAttempts") && lines[1].contains("live until 20"))
            #expect(lines[2].contains(" all ") && lines[2].hasSuffix("live"))
            let later = TokenIssuer.table(try await store.tokens(), now: now.addingTimeInterval(7200))
            #expect(later.split(separator: "\n")[1].contains("expired 20"))
            #expect(try await store.tokenCount() == 1)

            await #expect(throws: CommandFailure.self) { _ = try await TokenIssuer.applicationID("nobody", store: store) }
            #expect(throws: CommandFailure.self) { _ = try TokenIssuer.capabilities("ViewBase,Everything") }
            #expect(try TokenIssuer.capabilities(nil) == Set(ApplicationTokenScope.Capability.allCases))
        }
    }

    @Test func revokingSaysWhatHappenedAndIsIdempotent() async throws {
        try await withDataDirectory { options in
            let store = try options.openStore()
            let token = try await TokenIssuer.issue(name: "ci", store: store)
            let id = try #require(try await store.token(hash: APITokenSecret.hash(token))).id

            let first = try await TokenIssuer.revoke(id, store: store, serversRefuse: "within a second", now: Date())
            #expect(first == "Revoked token \(id) (ci). Running servers refuse it within a second.")
            #expect(try await store.token(hash: APITokenSecret.hash(token)) == nil)
            let second = try await TokenIssuer.revoke(id, store: store, serversRefuse: "within a second", now: Date())
            #expect(second.hasPrefix("Token \(id) (ci) was already revoked at "))
        }
    }

    @Test func revokingAnUnknownIdFailsWithOneLine() async throws {
        try await withDataDirectory { options in
            let store = try options.openStore()
            await #expect(throws: CommandFailure.self) {
                _ = try await TokenIssuer.revoke("tok_nope", store: store, serversRefuse: "within a second", now: Date())
            }
        }
    }
}
