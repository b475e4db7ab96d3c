import Crypto
import Foundation
import HeraldCore
import HeraldStore
import Synchronization

/// Checks bearer tokens against their stored hashes, remembering recent answers for a short while so that a
/// busy client does not cost a database read per request.
final class TokenAuthenticator: Sendable {
    private let store: any Store
    /// The admin token's SHA-256: the request's token is compared as a digest (in constant time), and turned into
    /// hex only when it is not the admin token.
    private let adminTokenDigest: SHA256.Digest?
    private let cacheLifetime: TimeInterval
    private let cache = Mutex<[String: (tokenID: String, expiresAt: Date)]>([:])

    init(store: any Store, adminToken: String?, cacheLifetime: TimeInterval) {
        self.store = store
        self.adminTokenDigest = adminToken.map(SHA256Hex.digest)
        self.cacheLifetime = cacheLifetime
    }

    /// The id of the token, or nil when it is unknown or revoked.
    func authenticate(_ token: String, now: Date = Date()) async throws -> String? {
        let digest = SHA256Hex.digest(token)
        if let adminTokenDigest, digest == adminTokenDigest { return "admin" }
        let hash = SHA256Hex.hex(digest)
        if let hit = cache.withLock({ $0[hash] }), hit.expiresAt > now { return hit.tokenID }
        guard let stored = try await store.token(hash: hash) else { return nil }
        cache.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[hash] = (stored.id, now.addingTimeInterval(cacheLifetime))
        }
        return stored.id
    }
}
