import Foundation
import HeraldCore

/// Svix's `ApplicationIn`: the body of create and upsert.
struct ApplicationIn: Decodable, Sendable {
    var name: String
    var uid: String?
    var throttleRate: Int?
    var metadata: [String: String]?

    func validate() throws {
        try Validate.nonEmpty(name, ["name"])
        if let uid { try Validate.identifier(uid, ["uid"]) }
        try Validate.throttleRate(throttleRate)
    }

    /// A new application with these fields and a fresh id.
    func makeApplication(uid: String?, now: Date) -> Application {
        Application(
            id: Identifier.make(prefix: Identifier.applicationPrefix, milliseconds: now.millisecondsSince1970),
            uid: uid,
            name: name,
            throttleRate: throttleRate,
            metadata: metadata ?? [:],
            createdAt: now,
            updatedAt: now
        )
    }

    /// The application a request creates, as a member `application` of its body, when its path names (as `key`)
    /// an application that does not exist: with `key` as its uid. Errors name `body.application.…`.
    func makeApplication(pathKey key: String, now: Date) throws -> Application {
        do {
            try validate()
            let uid = uid ?? key
            guard uid == key else {
                throw ValidationError(["body", "uid"], "Must be the application's id or uid from the path")
            }
            try Validate.identifier(uid, ["uid"])
            return makeApplication(uid: uid, now: now)
        } catch let error as ValidationError {
            throw error.nested(under: "application")
        }
    }
}

/// Svix's `ApplicationPatch`.
struct ApplicationPatch: Decodable, Sendable {
    var name: PatchField<String>
    var uid: PatchField<String>
    var throttleRate: PatchField<Int>
    var metadata: PatchField<[String: String]>

    enum CodingKeys: String, CodingKey {
        case name, uid, throttleRate, metadata
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodePatch(String.self, forKey: .name)
        uid = try container.decodePatch(String.self, forKey: .uid)
        throttleRate = try container.decodePatch(Int.self, forKey: .throttleRate)
        metadata = try container.decodePatch([String: String].self, forKey: .metadata)
    }

    func validate() throws {
        if case .null = name { throw ValidationError(["body", "name"], "An application's name cannot be null", type: "missing") }
        if let name = name.value { try Validate.nonEmpty(name, ["name"]) }
        if let uid = uid.value { try Validate.identifier(uid, ["uid"]) }
        try Validate.throttleRate(throttleRate.value)
    }

    func apply(to application: inout Application) {
        name.apply(to: &application.name)
        uid.apply(to: &application.uid)
        throttleRate.apply(to: &application.throttleRate)
        if case .value(let metadata) = metadata { application.metadata = metadata }
        if case .null = metadata { application.metadata = [:] }
    }
}

/// Svix's `ApplicationOut`.
struct ApplicationOut: Encodable, Sendable {
    var id: String
    var uid: String?
    var name: String
    var throttleRate: Int?
    var metadata: [String: String]
    var createdAt: Date
    var updatedAt: Date

    init(_ application: Application) {
        id = application.id
        uid = application.uid
        name = application.name
        throttleRate = application.throttleRate
        metadata = application.metadata
        createdAt = application.createdAt
        updatedAt = application.updatedAt
    }
}
