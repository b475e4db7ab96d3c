import Synchronization

/// Tells the API's token cache about tokens changed by another process (another instance, or `herald token
/// revoke`), so that a revoked or expired token stops working at once rather than when the cache lapses. Pass one
/// to ``HeraldRouter/make(store:configuration:delivery:events:engine:tokenChanges:metrics:prometheus:)`` and call
/// ``changed(_:)`` from whatever hears of changes (on PostgreSQL, `PostgresStore.listenForTokenChanges`).
public final class TokenChanges: Sendable {
    private let listeners = Mutex<[@Sendable (String?) -> Void]>([])

    public init() {}

    /// The token with id `tokenID` changed; nil when any token may have (say, after missed notifications).
    public func changed(_ tokenID: String?) {
        for listener in listeners.withLock({ $0 }) { listener(tokenID) }
    }

    func subscribe(_ listener: @escaping @Sendable (String?) -> Void) {
        listeners.withLock { $0.append(listener) }
    }
}
