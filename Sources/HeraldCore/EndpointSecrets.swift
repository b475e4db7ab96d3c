import Foundation

/// An endpoint's signing secrets: the current one and those rotated out but still inside their grace period.
public struct EndpointSecrets: Sendable, Hashable, Codable {
    /// A secret rotated out, signed with until `expiresAt`.
    public struct Retired: Sendable, Hashable, Codable {
        public var key: String
        public var expiresAt: Date

        public init(key: String, expiresAt: Date) {
            self.key = key
            self.expiresAt = expiresAt
        }
    }

    /// The current secret in its text form (`whsec_…` or `whsk_…`).
    public var current: String
    public var retired: [Retired]

    public init(current: String, retired: [Retired] = []) {
        self.current = current
        self.retired = retired
    }

    /// The default time a rotated-out secret keeps signing: 24 hours.
    public static let defaultGracePeriod: TimeInterval = 24 * 3600

    /// Makes `newKey` current; the old key keeps signing for `gracePeriod` seconds. Expired keys are dropped.
    public func rotated(to newKey: String, gracePeriod: TimeInterval, now: Date) -> EndpointSecrets {
        var kept = retired.filter { $0.expiresAt > now }
        if gracePeriod > 0 {
            kept.append(Retired(key: current, expiresAt: now.addingTimeInterval(gracePeriod)))
        }
        return EndpointSecrets(current: newKey, retired: kept)
    }

    /// Every key that signs at `now`: the current one first, then retired keys still in their grace period.
    public func live(at now: Date) -> [String] {
        [current] + retired.filter { $0.expiresAt > now }.map(\.key)
    }
}
