import Foundation
import HeraldCore

/// Svix's `IntegrationIn` and `IntegrationUpdate` (the same fields).
struct IntegrationIn: Decodable, Sendable {
    var name: String
    var featureFlags: [String]?

    func validate() throws {
        try Validate.nonEmpty(name, ["name"])
        try Validate.featureFlags(featureFlags)
    }
}

/// Svix's `IntegrationOut`.
struct IntegrationOut: Encodable, Sendable {
    var id: String
    var name: String
    var featureFlags: [String]?
    var createdAt: Date
    var updatedAt: Date

    init(_ integration: Integration) {
        id = integration.id
        name = integration.name
        featureFlags = integration.featureFlags
        createdAt = integration.createdAt
        updatedAt = integration.updatedAt
    }
}

/// Svix's `IntegrationKeyOut`.
struct IntegrationKeyOut: Encodable, Sendable {
    var key: String
}
