import Foundation
import HeraldCore

/// Svix's `EventTypeImportOpenApiIn`: event types from the webhooks an OpenAPI document describes.
struct EventTypeImportOpenApiIn: Decodable, Sendable {
    /// The document as a JSON object.
    var spec: JSONValue?
    /// The document as text. Svix reads YAML or JSON here; Herald reads JSON (convert YAML to JSON, or send the
    /// parsed document as `spec`).
    var specRaw: String?
    var replaceAll: Bool?
    var dryRun: Bool?

    /// The document, from whichever of `spec` and `specRaw` was sent: exactly one must be (400 otherwise).
    func document() throws -> [String: JSONValue] {
        switch (spec, specRaw) {
        case (nil, nil), (.some, .some):
            throw APIError.badRequest("Send the OpenAPI document as exactly one of spec and specRaw")
        case (let spec?, nil):
            guard let object = spec.objectValue else { throw ValidationError(["body", "spec"], "Must be an object") }
            return object
        case (nil, let raw?):
            guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8)), let object = parsed.objectValue
            else {
                throw ValidationError(
                    ["body", "specRaw"],
                    "Must be an OpenAPI document in JSON; Herald does not read YAML here (send the parsed document as spec)")
            }
            return object
        }
    }
}

/// Svix's `EventTypeFromOpenApi`: one event type as the document describes it.
struct EventTypeFromOpenApi: Encodable, Sendable, Hashable {
    var name: String
    var description: String
    var schemas: JSONValue?
    var deprecated: Bool
    var groupName: String?
    var featureFlags: [String]?

    /// The fields it sets on an event type, unarchiving it.
    func apply(to eventType: inout EventType) {
        eventType.description = description
        eventType.schemas = schemas
        eventType.deprecated = deprecated
        eventType.groupName = groupName
        eventType.featureFlags = featureFlags
        eventType.archived = false
    }
}

/// Svix's `EventTypeImportOpenApiOut`.
struct EventTypeImportOpenApiOut: Encodable, Sendable {
    struct Outcome: Encodable, Sendable {
        /// The event types created or updated (for a dry run, those that would be).
        var modified: [String]
        /// With `dryRun`, the event types as they would be written.
        var toModify: [EventTypeFromOpenApi]?

        enum CodingKeys: String, CodingKey {
            case modified
            case toModify = "to_modify"
        }
    }

    var data: Outcome
}
