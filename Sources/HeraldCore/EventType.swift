import Foundation

/// A kind of message producers emit (`user.created`), optionally described by JSON Schemas.
public struct EventType: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var archived: Bool
    public var deprecated: Bool
    /// JSON Schemas by version, kept as the raw JSON object the client sent.
    public var schemas: JSONValue?
    public var groupName: String?
    public var featureFlags: [String]?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        name: String,
        description: String,
        archived: Bool = false,
        deprecated: Bool = false,
        schemas: JSONValue? = nil,
        groupName: String? = nil,
        featureFlags: [String]? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.name = name
        self.description = description
        self.archived = archived
        self.deprecated = deprecated
        self.schemas = schemas
        self.groupName = groupName
        self.featureFlags = featureFlags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
