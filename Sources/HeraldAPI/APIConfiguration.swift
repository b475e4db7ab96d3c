import Foundation
import HeraldStore

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
    /// The operator's page for the people who receive an application's webhooks: the links of
    /// `POST /api/v1/auth/app-portal-access/{app_id}` point there, with the token after `#key=`.
    public var appPortalURL: String?
    /// The application (id or uid) whose endpoints `/api/v1/operational-webhook/endpoint` manages: the one that
    /// receives Herald's operational events.
    public var operationalApplication: String

    public init(
        maximumBodyBytes: Int = 1 << 20,
        adminToken: String? = nil,
        idempotencyLifetime: TimeInterval = 12 * 3600,
        tokenCacheLifetime: TimeInterval = 10,
        appPortalURL: String? = nil,
        operationalApplication: String = OperationalEvents.defaultApplication
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.adminToken = adminToken
        self.idempotencyLifetime = idempotencyLifetime
        self.tokenCacheLifetime = tokenCacheLifetime
        self.appPortalURL = appPortalURL
        self.operationalApplication = operationalApplication
    }
}
