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
            try await expectTokenChangesReported(changingThrough: other) { changed in
                try await server.watchTokenChanges(interval: .milliseconds(20), logger: Logger(label: "test"), changed)
            }
            // What the watcher read it deleted: the log stays as small as the changes not yet seen.
            #expect(try RawConnection(path: path, vfs: "unix").integer("SELECT COUNT(*) FROM token_change") == 0)
        }
    }
}
