import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct TokenAndIdempotencyStoreTests {
    @Test(arguments: StoreKind.allCases)
    func tokensAreFoundByHashOnly(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            #expect(try await store.tokenCount() == 0)
            let token = APITokenSecret.generate()
            try await store.insertToken(APIToken(id: "tok_1", name: "ci", hash: APITokenSecret.hash(token), createdAt: fixedNow))
            #expect(try await store.tokenCount() == 1)
            #expect(try await store.token(hash: APITokenSecret.hash(token))?.id == "tok_1")
            #expect(try await store.token(hash: token) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func idempotencyKeyIsClaimedOnceThenReplayedUntilItExpires(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let now = Date()
            #expect(try await store.claimIdempotencyKey("k", now: now, lifetime: 60) == .acquired)
            #expect(try await store.claimIdempotencyKey("k", now: now, lifetime: 60) == .inProgress)
            let response = StoredResponse(status: 202, contentType: "application/json", body: Array("{}".utf8))
            try await store.completeIdempotencyKey("k", response: response, expiresAt: now.addingTimeInterval(60))
            #expect(
                try await store.claimIdempotencyKey("k", now: now.addingTimeInterval(30), lifetime: 60) == .completed(response))
            #expect(try await store.claimIdempotencyKey("k", now: now.addingTimeInterval(61), lifetime: 60) == .acquired)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func claimAbandonedByACrashLapsesAfterTheClaimTimeout(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let now = Date()
            let day: TimeInterval = 86_400
            let timeout = idempotencyClaimTimeout
            let first = try await store.claimIdempotencyKey("k", now: now, lifetime: day)
            let whileRunning = try await store.claimIdempotencyKey("k", now: now.addingTimeInterval(timeout - 1), lifetime: day)
            let afterCrash = try await store.claimIdempotencyKey("k", now: now.addingTimeInterval(timeout + 1), lifetime: day)
            #expect(first == .acquired)
            #expect(whileRunning == .inProgress)
            #expect(afterCrash == .acquired)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func releasedKeyCanBeClaimedAgain(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            #expect(try await store.claimIdempotencyKey("k", now: Date(), lifetime: 60) == .acquired)
            try await store.releaseIdempotencyKey("k")
            #expect(try await store.claimIdempotencyKey("k", now: Date(), lifetime: 60) == .acquired)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentClaimsOfOneKeyAcquireItOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let claims = try await withThrowingTaskGroup(of: IdempotencyClaim.self) { group in
                for _ in 0..<50 { group.addTask { try await store.claimIdempotencyKey("k", now: Date(), lifetime: 60) } }
                return try await group.reduce(into: [IdempotencyClaim]()) { $0.append($1) }
            }
            #expect(claims.filter { $0 == .acquired }.count == 1)
            #expect(claims.filter { $0 == .inProgress }.count == 49)
        }
    }
}
