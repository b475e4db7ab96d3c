import Foundation
import HeraldCore

/// Svix's `EnvironmentOut`: what `POST /api/v1/environment/export` answers. Herald's environment is its event
/// types; it has no organisation settings and no connectors, so those are null and empty.
struct EnvironmentOut: Encodable, Sendable {
    static let currentVersion = 1

    var version = EnvironmentOut.currentVersion
    var createdAt: Date
    var eventTypes: [EventTypeOut]
    var settings: JSONValue? = nil
    var connectors: [JSONValue] = []

    enum CodingKeys: String, CodingKey {
        case version, createdAt, eventTypes, settings, connectors
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(eventTypes, forKey: .eventTypes)
        try container.encode(settings ?? .null, forKey: .settings)
        try container.encode(connectors, forKey: .connectors)
    }
}

/// Svix's `EnvironmentIn`: what `POST /api/v1/environment/import` adds or updates. Only event types are
/// imported; `settings` and `connectors` (an export from Svix has them) are accepted and left out, as Herald
/// has neither.
struct EnvironmentIn: Decodable, Sendable {
    var eventTypes: [EventTypeIn]?
    var settings: JSONValue?
    var connectors: [JSONValue]?

    /// The event types to import, each validated (errors name `body.eventTypes.<index>.<field>`); a name given
    /// twice is refused.
    func validatedEventTypes() throws -> [EventTypeIn] {
        let eventTypes = eventTypes ?? []
        var seen: Set<String> = []
        for (index, eventType) in eventTypes.enumerated() {
            do {
                try eventType.validate(requireName: true)
            } catch let error as ValidationError {
                throw error.nested(under: "eventTypes", String(index))
            }
            guard seen.insert(eventType.name ?? "").inserted else {
                throw ValidationError(["body", "eventTypes", String(index), "name"], "Appears more than once")
            }
        }
        return eventTypes
    }
}
