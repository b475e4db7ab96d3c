import HeraldAPI
import HeraldPostgres
import HeraldStore
import Logging
import ServiceLifecycle

/// Makes the API forget a token as soon as any process sharing the store revokes, expires or deletes it, rather
/// than when the token cache lapses (10 s): PostgreSQL notifies every instance at once (LISTEN/NOTIFY); on SQLite,
/// which other processes (`herald token revoke`) share only as a file, the server looks for changes every second.
struct TokenChangeListener: Service, CustomStringConvertible {
    var description: String { "TokenChangeListener" }

    let store: OpenedStore
    let changes: TokenChanges
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown { [store, changes, logger] in
            switch store {
            case .postgres(let postgres):
                try await postgres.listenForTokenChanges { tokenID in changes.changed(tokenID) }
            case .sqlite(let sqlite):
                try await sqlite.watchTokenChanges(logger: logger) { tokenID in changes.changed(tokenID) }
            }
        }
    }
}
