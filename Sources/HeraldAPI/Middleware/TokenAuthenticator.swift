import Crypto
import Foundation
import HeraldCore
import HeraldStore
import Synchronization

/// A token that authenticated a request.
struct AuthenticatedToken: Sendable, Hashable {
    /// The token's id (`admin` for `HERALD_ADMIN_TOKEN`).
    var id: String
    /// The application it is limited to, with its capabilities; nil for full access.
    var scope: ApplicationTokenScope?
    /// When it stops working; nil for never.
    var expiresAt: Date?

    static let admin = AuthenticatedToken(id: "admin", scope: nil, expiresAt: nil)
}

/// Checks bearer tokens against their stored hashes, remembering recent answers for a short while so that a
/// busy client does not cost a database read per request.
final class TokenAuthenticator: Sendable {
    private let store: any Store
    /// The admin token's SHA-256: the request's token is compared as a digest (in constant time), and turned into
    /// hex only when it is not the admin token.
    private let adminTokenDigest: SHA256.Digest?
    private let cacheLifetime: TimeInterval
    private let cache = Mutex(Cache())

    private struct Cache {
        var entries: [String: (token: AuthenticatedToken, cachedUntil: Date)] = [:]
        /// Counts ``forget(where:)`` calls: an answer read from the store before one is not remembered after it,
        /// or a token revoked while its check was reading would be accepted for the cache's lifetime.
        var generation: UInt64 = 0
    }

    init(store: any Store, adminToken: String?, cacheLifetime: TimeInterval) {
        self.store = store
        self.adminTokenDigest = adminToken.map(SHA256Hex.digest)
        self.cacheLifetime = cacheLifetime
    }

    /// The token, or nil when it is unknown, revoked or expired.
    func authenticate(_ token: String, now: Date = Date()) async throws -> AuthenticatedToken? {
        let digest = SHA256Hex.digest(token)
        if let adminTokenDigest, digest == adminTokenDigest { return .admin }
        let hash = SHA256Hex.hex(digest)
        let (hit, generation) = cache.withLock { ($0.entries[hash], $0.generation) }
        if let hit, hit.cachedUntil > now {
            return hit.token.expiresAt.map { now < $0 } ?? true ? hit.token : nil
        }
        guard let stored = try await store.token(hash: hash), stored.isLive(at: now) else { return nil }
        let authenticated = AuthenticatedToken(id: stored.id, scope: stored.scope, expiresAt: stored.expiresAt)
        cache.withLock { cache in
            guard cache.generation == generation else { return }
            if cache.entries.count > 10_000 { cache.entries.removeAll() }
            cache.entries[hash] = (authenticated, now.addingTimeInterval(cacheLifetime))
        }
        return authenticated
    }

    /// Drops what this process remembers of the tokens `matching` selects, after they were revoked or expired, so
    /// that the change holds here at once rather than when the cache lapses.
    func forget(where matching: (AuthenticatedToken) -> Bool) {
        cache.withLock { cache in
            cache.generation &+= 1
            cache.entries = cache.entries.filter { !matching($0.value.token) }
        }
    }
}
