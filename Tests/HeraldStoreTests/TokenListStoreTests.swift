import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct TokenListStoreTests {
    private func insert(_ store: any Store, id: String, name: String, at date: Date) async throws {
        try await store.insertToken(
            APIToken(id: id, name: name, hash: APITokenSecret.hash(APITokenSecret.generate()), createdAt: date)
        )
    }

    @Test(arguments: StoreKind.allCases)
    func tokensAreListedOldestFirstWithTheirRevocation(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            #expect(try await store.tokens().isEmpty)
            try await insert(store, id: "tok_b", name: "deploy", at: fixedNow.addingTimeInterval(60))
            try await insert(store, id: "tok_a", name: "ci", at: fixedNow)
            try await insert(store, id: "tok_c", name: "same-time", at: fixedNow.addingTimeInterval(60))
            _ = try await store.revokeToken("tok_b", now: fixedNow.addingTimeInterval(120))

            let tokens = try await store.tokens()
            #expect(tokens.map(\.id) == ["tok_a", "tok_b", "tok_c"])
            #expect(tokens.map(\.name) == ["ci", "deploy", "same-time"])
            #expect(tokens.map(\.createdAt) == [fixedNow, fixedNow.addingTimeInterval(60), fixedNow.addingTimeInterval(60)])
            #expect(tokens.map(\.revokedAt) == [nil, fixedNow.addingTimeInterval(120), nil])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokedTokenNoLongerAuthenticates(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let secret = APITokenSecret.generate()
            let hash = APITokenSecret.hash(secret)
            try await store.insertToken(APIToken(id: "tok_1", name: "ci", hash: hash, createdAt: fixedNow))
            #expect(try await store.token(hash: hash)?.id == "tok_1")

            let revoked = try await store.revokeToken("tok_1", now: fixedNow.addingTimeInterval(5))
            #expect(revoked.id == "tok_1")
            #expect(revoked.name == "ci")
            #expect(revoked.revokedAt == fixedNow.addingTimeInterval(5))
            #expect(try await store.token(hash: hash) == nil)
            #expect(try await store.tokenCount() == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokingTwiceKeepsTheFirstRevocationTime(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            try await insert(store, id: "tok_1", name: "ci", at: fixedNow)
            _ = try await store.revokeToken("tok_1", now: fixedNow.addingTimeInterval(5))
            let again = try await store.revokeToken("tok_1", now: fixedNow.addingTimeInterval(500))
            #expect(again.revokedAt == fixedNow.addingTimeInterval(5))
            #expect(try await store.tokens().first?.revokedAt == fixedNow.addingTimeInterval(5))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokingAnUnknownTokenIsNotFoundAndChangesNothing(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            try await insert(store, id: "tok_1", name: "ci", at: fixedNow)
            await #expect {
                _ = try await store.revokeToken("tok_missing", now: fixedNow)
            } throws: { error in
                (error as? HeraldError)?.isNotFound == true
            }
            #expect(try await store.tokens().map(\.revokedAt) == [nil])
        }
    }
}
