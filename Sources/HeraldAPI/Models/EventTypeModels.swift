import Foundation
import HeraldCore

/// Svix's `EventTypeIn` (create) and `EventTypeUpdate` (upsert, whose name comes from the path).
struct EventTypeIn: Decodable, Sendable {
    var name: String?
    var description: String
    var archived: Bool?
    var deprecated: Bool?
    var schemas: JSONValue?
    var groupName: String?
    var featureFlags: [String]?

    func validate(requireName: Bool) throws {
        if requireName {
            guard let name else { throw ValidationError(["body", "name"], "Field required", type: "missing") }
            try Validate.identifier(name, ["name"])
        }
        try Validate.schemas(schemas)
    }

    func apply(to eventType: inout EventType) {
        eventType.description = description
        eventType.archived = archived ?? false
        eventType.deprecated = deprecated ?? false
        eventType.schemas = schemas
        eventType.groupName = groupName
        eventType.featureFlags = featureFlags
    }
}

/// Svix's `EventTypePatch`.
struct EventTypePatch: Decodable, Sendable {
    var description: PatchField<String>
    var archived: PatchField<Bool>
    var deprecated: PatchField<Bool>
    var schemas: PatchField<JSONValue>
    var groupName: PatchField<String>
    var featureFlags: PatchField<[String]>

    enum CodingKeys: String, CodingKey {
        case description, archived, deprecated, schemas, groupName, featureFlags
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        description = try container.decodePatch(String.self, forKey: .description)
        archived = try container.decodePatch(Bool.self, forKey: .archived)
        deprecated = try container.decodePatch(Bool.self, forKey: .deprecated)
        schemas = try container.decodePatch(JSONValue.self, forKey: .schemas)
        groupName = try container.decodePatch(String.self, forKey: .groupName)
        featureFlags = try container.decodePatch([String].self, forKey: .featureFlags)
    }

    func validate() throws {
        try Validate.schemas(schemas.value)
    }

    func apply(to eventType: inout EventType) {
        description.apply(to: &eventType.description)
        archived.apply(to: &eventType.archived)
        deprecated.apply(to: &eventType.deprecated)
        schemas.apply(to: &eventType.schemas)
        groupName.apply(to: &eventType.groupName)
        featureFlags.apply(to: &eventType.featureFlags)
    }
}

/// Svix's `EventTypeOut`.
struct EventTypeOut: Encodable, Sendable {
    var name: String
    var description: String
    var archived: Bool
    var deprecated: Bool
    var schemas: JSONValue?
    var groupName: String?
    var featureFlags: [String]?
    var createdAt: Date
    var updatedAt: Date

    init(_ eventType: EventType, withContent: Bool = true) {
        name = eventType.name
        description = eventType.description
        archived = eventType.archived
        deprecated = eventType.deprecated
        schemas = withContent ? eventType.schemas : nil
        groupName = eventType.groupName
        featureFlags = eventType.featureFlags
        createdAt = eventType.createdAt
        updatedAt = eventType.updatedAt
    }
}

extension Validate {
    /// Event type schemas: an object whose values (one per version) are JSON Schema objects.
    static func schemas(_ schemas: JSONValue?) throws {
        guard let schemas else { return }
        guard let versions = schemas.objectValue else {
            throw ValidationError(["body", "schemas"], "Must be an object mapping versions to JSON Schemas")
        }
        for (version, schema) in versions where schema.objectValue == nil {
            throw ValidationError(["body", "schemas", version], "Must be a JSON Schema object")
        }
    }
}
