import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct ApplicationTokenStoreTests {
    /// An application token of `application`, created at `fixedNow`, expiring `lifetime` seconds later.
    static func token(
        _ id: String, _ application: String, session: String? = nil, lifetime: TimeInterval = 3600,
        capabilities: Set<ApplicationTokenScope.Capability> = [.createAttempts]
    ) -> APIToken {
        APIToken(
            id: id, name: "app-portal", hash: APITokenSecret.hash(id), createdAt: fixedNow,
            scope: ApplicationTokenScope(application: application, capabilities: capabilities, sessionID: session),
            expiresAt: fixedNow.addingTimeInterval(lifetime))
    }

    @Test(arguments: StoreKind.allCases)
    func aTokensScopeAndExpiryAreReadBackAndOnlyFullAccessTokensAreCounted(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            var scoped = Self.token("tok_app", app.id, session: "s-1", capabilities: [.manageEndpoint, .createAttempts])
            scoped.scope?.featureFlags = ["beta", "billing"]
            try await store.insertToken(scoped)

            let read = try #require(try await store.token(hash: scoped.hash))
            #expect(read == scoped)
            #expect(read.scope?.capabilities == [.viewBase, .manageEndpoint, .createAttempts])
            #expect(read.scope?.sessionID == "s-1")
            #expect(read.scope?.featureFlags == ["beta", "billing"])
            #expect(read.isLive(at: fixedNow.addingTimeInterval(3599)))
            #expect(!read.isLive(at: fixedNow.addingTimeInterval(3600)))
            #expect(try await store.tokenCount() == 0)
            try await store.insertToken(APIToken(id: "tok_full", name: "ci", hash: "full", createdAt: fixedNow))
            #expect(try await store.tokenCount() == 1)
            #expect(try await store.tokens().map(\.scope) == [scoped.scope, nil])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func expireAllShortensOnlyTheLiveTokensOfTheApplicationAndTheNamedSessions(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let other = try await store.insertApplication(makeApplication(uid: "other"))
            try await store.insertToken(Self.token("tok_a", app.id, session: "s-1"))
            try await store.insertToken(Self.token("tok_b", app.id, session: "s-2"))
            try await store.insertToken(Self.token("tok_c", app.id, lifetime: 60))
            try await store.insertToken(Self.token("tok_d", app.id))
            try await store.insertToken(Self.token("tok_e", other.id, session: "s-1"))
            try await store.insertToken(APIToken(id: "tok_full", name: "ci", hash: "full", createdAt: fixedNow))
            _ = try await store.revokeToken("tok_d", now: fixedNow)
            let soon = fixedNow.addingTimeInterval(600)

            #expect(try await store.expireApplicationTokens(application: "acme", sessionIDs: ["s-1"], at: soon) == 1)
            // tok_c already expires before `soon`, tok_d is revoked: only tok_b changes.
            #expect(try await store.expireApplicationTokens(application: app.id, sessionIDs: nil, at: soon) == 1)
            let expiries = Dictionary(uniqueKeysWithValues: try await store.tokens().map { ($0.id, $0.expiresAt) })
            #expect(expiries["tok_a"] == soon)
            #expect(expiries["tok_b"] == soon)
            #expect(expiries["tok_c"] == fixedNow.addingTimeInterval(60))
            #expect(expiries["tok_d"] == fixedNow.addingTimeInterval(3600))
            #expect(expiries["tok_e"] == fixedNow.addingTimeInterval(3600))
            #expect(expiries["tok_full"] == .some(nil))
            await #expect(throws: HeraldError.self) {
                _ = try await store.expireApplicationTokens(application: "nope", sessionIDs: nil, at: soon)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingTheApplicationDeletesItsTokensAndPruningDeletesExpiredOnes(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let other = try await store.insertApplication(makeApplication(uid: "other"))
            try await store.insertToken(Self.token("tok_a", app.id))
            try await store.insertToken(Self.token("tok_short", other.id, lifetime: 60))
            try await store.insertToken(Self.token("tok_long", other.id, lifetime: 7200))
            try await store.insertToken(APIToken(id: "tok_full", name: "ci", hash: "full", createdAt: fixedNow))

            try await store.deleteApplication("acme")
            #expect(try await store.tokens().map(\.id) == ["tok_full", "tok_long", "tok_short"])

            let pruned = try await store.pruneExpired(
                now: fixedNow.addingTimeInterval(120), attemptRetention: 86_400, batchSize: 100)
            #expect(pruned.tokens == 1)
            #expect(try await store.tokens().map(\.id) == ["tok_full", "tok_long"])
        }
    }
}
