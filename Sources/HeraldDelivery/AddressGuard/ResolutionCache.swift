import Foundation
import Synchronization

/// Remembers what host names resolved to for a short while, so an endpoint taking thousands of deliveries does not
/// cost a DNS lookup (and a hop to the blocking pool) for each of them. Only answers are kept, never failures, and
/// every delivery still vets the remembered addresses against the policy (see ``AddressGuard``).
///
/// `getaddrinfo` does not tell a record's TTL, so a fixed lifetime stands in for it: a changed DNS record reaches
/// deliveries within that lifetime.
final class ResolutionCache: Sendable {
    /// How long an answer is used; 30 s, as Java's resolver keeps answers by default.
    static let defaultLifetime: TimeInterval = 30
    /// Host names remembered at most; past it, expired answers are dropped, and all of them if none had expired.
    static let capacity = 10_000

    private let resolver: @Sendable (String) async throws -> [IPAddress]
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date
    private let answers = Mutex<[String: (addresses: [IPAddress], expiresAt: Date)]>([:])

    init(
        lifetime: TimeInterval = ResolutionCache.defaultLifetime,
        now: @escaping @Sendable () -> Date = { Date() },
        resolver: @escaping @Sendable (String) async throws -> [IPAddress]
    ) {
        self.lifetime = lifetime
        self.now = now
        self.resolver = resolver
    }

    /// The remembered addresses of `host`, while fresh.
    func remembered(_ host: String) -> [IPAddress]? {
        let asked = now()
        guard let answer = answers.withLock({ $0[host.lowercased()] }), answer.expiresAt > asked else { return nil }
        return answer.addresses
    }

    /// The addresses of `host`: remembered ones while fresh, otherwise what the resolver answers now.
    func resolve(_ host: String) async throws -> [IPAddress] {
        if let addresses = remembered(host) { return addresses }
        let key = host.lowercased()
        let asked = now()
        let addresses = try await resolver(host)
        guard !addresses.isEmpty else { return addresses }
        answers.withLock { answers in
            if answers.count >= Self.capacity {
                answers = answers.filter { $0.value.expiresAt > asked }
                if answers.count >= Self.capacity { answers.removeAll() }
            }
            answers[key] = (addresses, asked.addingTimeInterval(lifetime))
        }
        return addresses
    }
}
