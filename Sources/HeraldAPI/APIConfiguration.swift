import Foundation

/// Settings of the HTTP API.
public struct APIConfiguration: Sendable {
    /// Request bodies larger than this are refused with 413.
    public var maximumBodyBytes: Int
    /// A token with full access that is never stored (`HERALD_ADMIN_TOKEN`).
    public var adminToken: String?
    /// How long a response is replayed for a repeated idempotency key.
    public var idempotencyLifetime: TimeInterval
    /// How long a validated token is trusted without asking the store again.
    public var tokenCacheLifetime: TimeInterval

    public init(
        maximumBodyBytes: Int = 1 << 20,
        adminToken: String? = nil,
        idempotencyLifetime: TimeInterval = 12 * 3600,
        tokenCacheLifetime: TimeInterval = 10
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.adminToken = adminToken
        self.idempotencyLifetime = idempotencyLifetime
        self.tokenCacheLifetime = tokenCacheLifetime
    }
}
