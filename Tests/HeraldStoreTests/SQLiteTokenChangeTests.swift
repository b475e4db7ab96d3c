import Foundation
import HeraldCore
import HeraldStore
import Logging
import Testing

/// A running SQLite server learns of token changes made by another process on the same file (`herald token
/// revoke`, here a second store on it), as PostgreSQL instances learn of them by notification.
@Suite struct SQLiteTokenChangeTests {
    @Test func everyChangeToATokenByAnotherProcessIsSeenWithItsId() async throws {
        try await withStore(.sqlite) { _, path in
            let server = try SQLiteStore(path: path, cipher: storeTestCipher)
            let other = try SQLiteStore(path: path, cipher: storeTestCipher)
            let app = try await other.insertApplication(makeApplication(uid: "acme"))
            for id in ["tok_revoked", "tok_expired", "tok_cascaded"] {
                let lifetime = Date().timeIntervalSince(fixedNow) + 3600
                try await other.insertToken(ApplicationTokenStoreTests.token(id, app.id, session: id, lifetime: lifetime))
            }
            let (changes, changed) = AsyncStream.makeStream(of: String?.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await server.watchTokenChanges(interval: .milliseconds(20), logger: Logger(label: "test")) {
                        changed.yield($0)
                    }
                }
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
            // What the watcher read it deleted: the log stays as small as the changes not yet seen.
            #expect(try RawConnection(path: path, vfs: "unix").integer("SELECT COUNT(*) FROM token_change") == 0)
        }
    }
}
