import Foundation
import HeraldCore
import HeraldStore
import Synchronization

/// Checks bearer tokens against their stored hashes, remembering recent answers for a short while so that a
/// busy client does not cost a database read per request.
final class TokenAuthenticator: Sendable {
    private let store: any Store
    private let adminTokenHash: String?
    private let cacheLifetime: TimeInterval
    private let cache = Mutex<[String: (tokenID: String, expiresAt: Date)]>([:])

    init(store: any Store, adminToken: String?, cacheLifetime: TimeInterval) {
        self.store = store
        self.adminTokenHash = adminToken.map(APITokenSecret.hash)
        self.cacheLifetime = cacheLifetime
    }

    /// The id of the token, or nil when it is unknown or revoked.
    func authenticate(_ token: String, now: Date = Date()) async throws -> String? {
        let hash = APITokenSecret.hash(token)
        if let adminTokenHash, Self.constantTimeEqual(hash, adminTokenHash) { return "admin" }
        if let hit = cache.withLock({ $0[hash] }), hit.expiresAt > now { return hit.tokenID }
        guard let stored = try await store.token(hash: hash) else { return nil }
        cache.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[hash] = (stored.id, now.addingTimeInterval(cacheLifetime))
        }
        return stored.id
    }

    /// Compares two hashes in time that depends only on their lengths, without copying them.
    private static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left.utf8, right.utf8) { difference |= a ^ b }
        return difference == 0
    }
}
