import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct IntegrationStoreTests {
    static func integration(_ id: String, _ application: String, flags: [String]? = nil) -> Integration {
        Integration(
            id: id, applicationID: application, name: "Zap \(id)", featureFlags: flags, createdAt: fixedNow, updatedAt: fixedNow)
    }

    static func key(_ id: String, for integration: Integration) -> APIToken {
        APIToken(
            id: id, name: "integration", hash: APITokenSecret.hash(id), createdAt: fixedNow.addingTimeInterval(1),
            scope: integration.keyScope)
    }

    @Test(arguments: StoreKind.allCases)
    func integrationsAreListedPerApplicationAndUpdated(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let other = try await store.insertApplication(makeApplication(uid: "other"))
            let ids = ["integ_1", "integ_2", "integ_3"]
            for id in ids {
                _ = try await store.insertIntegration(Self.integration(id, app.id, flags: id == "integ_2" ? [] : nil))
            }
            _ = try await store.insertIntegration(Self.integration("integ_9", other.id))
            await #expect(throws: HeraldError.self) {
                _ = try await store.insertIntegration(Self.integration("integ_x", "app_nope"))
            }

            let all = try await collectAllPages(limit: 2) { try await store.integrations(application: app.id, $0) }
            #expect(all.items.map(\.id) == ids)
            #expect(all.items.map(\.featureFlags) == [nil, [], nil])
            await #expect(throws: HeraldError.self) { _ = try await store.integration(application: other.id, "integ_1") }

            var changed = try await store.integration(application: app.id, "integ_1")
            changed.name = "Renamed"
            changed.featureFlags = ["beta", "ops"]
            changed.updatedAt = fixedNow.addingTimeInterval(5)
            #expect(try await store.updateIntegration(changed) == changed)
            #expect(try await store.integration(application: app.id, "integ_1") == changed)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rotatingReplacesTheKeyAndDeletingRemovesIt(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let integration = try await store.insertIntegration(Self.integration("integ_1", app.id, flags: ["beta"]))
            let first = Self.key("tok_first", for: integration)
            #expect(try await store.rotateIntegrationKey(application: app.id, "integ_1", key: first).tokenID == "tok_first")
            #expect(try await store.token(hash: first.hash)?.scope?.featureFlags == ["beta"])

            let second = Self.key("tok_second", for: integration)
            _ = try await store.rotateIntegrationKey(application: app.id, "integ_1", key: second)
            #expect(try await store.token(hash: first.hash) == nil)
            #expect(try await store.tokens().map(\.id) == ["tok_second"])

            var changed = try await store.integration(application: app.id, "integ_1")
            changed.featureFlags = ["ops"]
            _ = try await store.updateIntegration(changed)
            #expect(try await store.token(hash: second.hash)?.scope?.featureFlags == ["ops"])

            try await store.deleteIntegration(application: app.id, "integ_1")
            #expect(try await store.tokens().isEmpty)
            await #expect(throws: HeraldError.self) { try await store.deleteIntegration(application: app.id, "integ_1") }
            await #expect(throws: HeraldError.self) {
                _ = try await store.rotateIntegrationKey(application: app.id, "integ_1", key: Self.key("tok_3", for: integration))
            }

            // Deleting the application takes its integrations and their keys along.
            let again = try await store.insertIntegration(Self.integration("integ_2", app.id))
            _ = try await store.rotateIntegrationKey(application: app.id, "integ_2", key: Self.key("tok_4", for: again))
            try await store.deleteApplication(app.id)
            #expect(try await store.tokens().isEmpty)
        }
    }
}
