import HeraldAPI
import HeraldPostgres
import ServiceLifecycle

/// Makes the API forget a token as soon as any process sharing the PostgreSQL store revokes, expires or deletes it
/// (LISTEN/NOTIFY), rather than when this instance's token cache lapses (10 s).
struct TokenChangeListener: Service, CustomStringConvertible {
    var description: String { "TokenChangeListener" }

    let store: PostgresStore
    let changes: TokenChanges

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await store.listenForTokenChanges { [changes] tokenID in changes.changed(tokenID) }
        }
    }
}
