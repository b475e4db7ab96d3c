import Foundation

/// A third party that manages one application's endpoints for its owner (Svix's integrations): a name and
/// feature flags, and a key that works as an application token with every capability. The key is only shown when
/// it is made (rotated); the store keeps its hash as an API token.
public struct Integration: Sendable, Hashable {
    public var id: String
    public var applicationID: String
    public var name: String
    public var featureFlags: [String]?
    /// The API token that is the integration's current key; nil before its first rotation.
    public var tokenID: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        applicationID: String,
        name: String,
        featureFlags: [String]? = nil,
        tokenID: String? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.applicationID = applicationID
        self.name = name
        self.featureFlags = featureFlags
        self.tokenID = tokenID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The scope of the integration's key: its application, every capability, its feature flags.
    public var keyScope: ApplicationTokenScope {
        ApplicationTokenScope(
            application: applicationID, capabilities: Set(ApplicationTokenScope.Capability.allCases),
            featureFlags: Set(featureFlags ?? []))
    }
}
