import Foundation
import HeraldCore
import HeraldStore
import Testing

/// What a running server must hear of tokens another process changes: through `other` it makes three application
/// tokens, then, while `watch` runs (calling back with nil once it has started, then with each changed token's id),
/// revokes one, expires one, and deletes their application, which deletes all three.
func expectTokenChangesReported(
    changingThrough other: any Store,
    watch: @escaping @Sendable (_ changed: @escaping @Sendable (String?) async -> Void) async throws -> Void
) async throws {
    let app = try await other.insertApplication(makeApplication(uid: "acme"))
    for id in ["tok_revoked", "tok_expired", "tok_cascaded"] {
        let lifetime = Date().timeIntervalSince(fixedNow) + 3600
        try await other.insertToken(ApplicationTokenStoreTests.token(id, app.id, session: id, lifetime: lifetime))
    }
    let (changes, changed) = AsyncStream.makeStream(of: String?.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await watch { changed.yield($0) } }
        // A bound so a missed change fails the test instead of hanging it.
        group.addTask {
            try await Task.sleep(for: .seconds(30))
            changed.finish()
        }
        var iterator = changes.makeAsyncIterator()
        // The first call, with nil, says watching has started; the inserts before it are not changes.
        #expect(await iterator.next() == .some(nil))
        _ = try await other.revokeToken("tok_revoked", now: Date())
        #expect(await iterator.next() == "tok_revoked")
        _ = try await other.expireApplicationTokens(application: app.id, sessionIDs: ["tok_expired"], at: Date())
        #expect(await iterator.next() == "tok_expired")
        try await other.deleteApplication(app.id)
        var deleted: Set<String> = []
        while deleted.count < 3, let id = await iterator.next() { deleted.insert(id ?? "") }
        #expect(deleted == ["tok_revoked", "tok_expired", "tok_cascaded"])
        group.cancelAll()
    }
}
