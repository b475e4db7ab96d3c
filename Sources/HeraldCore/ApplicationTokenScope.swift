import Foundation

/// What an application token (Svix's app portal token) may do. Such a token opens one application only, for the
/// people who receive its webhooks: they see its endpoints, messages and attempts, and, as its capabilities allow,
/// manage endpoints and send again. It never sends messages, and never reaches other applications or Herald's
/// operator routes.
public struct ApplicationTokenScope: Sendable, Hashable {
    /// A permission, in Svix's names (`AppPortalCapability`).
    public enum Capability: String, Sendable, CaseIterable, Comparable {
        /// Read the application, its endpoints (without their secrets), messages, attempts and event types.
        case viewBase = "ViewBase"
        /// Read endpoint secrets.
        case viewEndpointSecret = "ViewEndpointSecret"
        /// Read and rotate endpoint secrets.
        case manageEndpointSecret = "ManageEndpointSecret"
        /// Change transformations. Herald has none, so this grants nothing here; it is accepted for Svix clients.
        case manageTransformations = "ManageTransformations"
        /// Send again: resend, recover, replay missing or bulk replay messages, and send examples.
        case createAttempts = "CreateAttempts"
        /// Create, change and delete endpoints, their headers and secrets.
        case manageEndpoint = "ManageEndpoint"

        public static func < (lhs: Capability, rhs: Capability) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The application's id (`app_…`).
    public var application: String
    /// What the token may do beyond reading; always includes ``Capability/viewBase``.
    public var capabilities: Set<Capability>
    /// The caller's session, so that "expire all" can end the tokens of some sessions only.
    public var sessionID: String?
    /// The feature flags the token has: it sees the event types that carry none or one of these.
    public var featureFlags: Set<String>

    public init(
        application: String, capabilities: Set<Capability>, sessionID: String? = nil, featureFlags: Set<String> = []
    ) {
        self.application = application
        self.capabilities = capabilities.union([.viewBase])
        self.sessionID = sessionID
        self.featureFlags = featureFlags
    }

    /// Whether the token sees an event type with `flags` (Svix's feature flags): one without flags always, one
    /// with flags when the token has one of them.
    public func sees(eventTypeFlags flags: [String]?) -> Bool {
        guard let flags, !flags.isEmpty else { return true }
        return flags.contains(where: featureFlags.contains)
    }

    /// Whether the token may do what `capability` allows. Managing an endpoint includes its secret; managing the
    /// secret includes reading it.
    public func allows(_ capability: Capability) -> Bool {
        switch capability {
        case .viewEndpointSecret:
            capabilities.contains(.viewEndpointSecret) || allows(.manageEndpointSecret)
        case .manageEndpointSecret:
            capabilities.contains(.manageEndpointSecret) || capabilities.contains(.manageEndpoint)
        default:
            capabilities.contains(capability)
        }
    }

    /// The capabilities as stored: their names, comma-separated, in declaration order.
    public var storedCapabilities: String {
        capabilities.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// The feature flags as stored: comma-separated and sorted; nil when there are none.
    public var storedFeatureFlags: String? {
        featureFlags.isEmpty ? nil : featureFlags.sorted().joined(separator: ",")
    }

    /// The feature flags of ``storedFeatureFlags``.
    public static func featureFlags(stored: String?) -> Set<String> {
        Set((stored ?? "").split(separator: ",").map(String.init))
    }

    /// The capabilities of ``storedCapabilities``; names this version does not know are skipped.
    public static func capabilities(stored: String) -> Set<Capability> {
        Set(stored.split(separator: ",").compactMap { Capability(rawValue: String($0)) })
    }
}
