import HeraldCore

/// The webhooks of an OpenAPI document as event types, as Svix imports them: each key of `webhooks` (or of
/// `x-webhooks`, before OpenAPI 3.1) is an event type's name; its operation (POST, or else the first it has)
/// gives the description (`description`, else `summary`), `deprecated`, and, from the JSON request body, the
/// schema, stored as version "1" with every `$ref` into the document inlined. `x-svix-group-name` and
/// `x-svix-feature-flags` on the operation set the group and the feature flags.
enum OpenAPIWebhooks {
    static let methods = ["post", "put", "patch", "get", "delete"]
    /// How deep `$ref`s may nest before the document is refused.
    static let maximumDepth = 64
    /// How many values the inlined schemas may hold in all: references used many times over could otherwise
    /// multiply a small document into an enormous one.
    static let maximumValues = 200_000

    static func eventTypes(_ document: [String: JSONValue]) throws -> [EventTypeFromOpenApi] {
        let key = document["webhooks"] != nil ? "webhooks" : "x-webhooks"
        guard let webhooks = document[key]?.objectValue else {
            throw ValidationError(["body", "spec"], "The document has no webhooks (nor x-webhooks) object")
        }
        var resolver = References(document: document)
        return try webhooks.keys.sorted().map { name in
            let location = ["body", "spec", key, name]
            try Validate.identifier(name, Array(location.dropFirst()))
            guard let item = try resolver.inline(webhooks[name] ?? .null, at: location).objectValue,
                let method = methods.first(where: { item[$0]?.objectValue != nil }),
                let operation = item[method]?.objectValue
            else { throw ValidationError(location, "Must be a path item with an operation") }
            let description = operation["description"] ?? operation["summary"] ?? item["description"] ?? item["summary"]
            return EventTypeFromOpenApi(
                name: name,
                description: description.flatMap(string) ?? "",
                schemas: try schema(of: operation, at: location + [method], &resolver).map { .object(["1": $0]) },
                deprecated: operation["deprecated"] == .bool(true),
                groupName: operation["x-svix-group-name"].flatMap(string),
                featureFlags: try featureFlags(operation["x-svix-feature-flags"], at: location + [method])
            )
        }
    }

    /// The JSON schema of the operation's request body, references inlined; nil when it has none.
    private static func schema(of operation: [String: JSONValue], at location: [String], _ resolver: inout References) throws
        -> JSONValue?
    {
        guard let body = operation["requestBody"] else { return nil }
        let content = try resolver.inline(body, at: location + ["requestBody"]).objectValue?["content"]?.objectValue
        guard let content else { return nil }
        let type = content["application/json"] != nil ? "application/json" : content.keys.sorted().first { $0.contains("json") }
        guard let type, let schema = content[type]?.objectValue?["schema"] else { return nil }
        let inlined = try resolver.inline(schema, at: location + ["requestBody", "content", type, "schema"])
        guard inlined.objectValue != nil else {
            throw ValidationError(location + ["requestBody", "content", type, "schema"], "Must be a JSON Schema object")
        }
        return inlined
    }

    private static func featureFlags(_ value: JSONValue?, at location: [String]) throws -> [String]? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value, let flags = Optional(items.compactMap(string)), flags.count == items.count
        else { throw ValidationError(location + ["x-svix-feature-flags"], "Must be a list of strings") }
        for (index, flag) in flags.enumerated() {
            try Validate.identifier(flag, Array(location.dropFirst()) + ["x-svix-feature-flags", String(index)])
        }
        return flags
    }

    private static func string(_ value: JSONValue) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// Inlines `$ref`s that point into the document (`#/…`, JSON pointers); a reference elsewhere, to nothing,
    /// or back into itself is refused.
    struct References {
        let document: [String: JSONValue]
        /// Values inlined so far, against ``OpenAPIWebhooks/maximumValues``.
        private(set) var values = 0

        init(document: [String: JSONValue]) {
            self.document = document
        }

        mutating func inline(_ value: JSONValue, at location: [String], through followed: [String] = []) throws
            -> JSONValue
        {
            guard followed.count <= OpenAPIWebhooks.maximumDepth else {
                throw ValidationError(location, "$ref nests more than \(OpenAPIWebhooks.maximumDepth) deep")
            }
            values += 1
            guard values <= OpenAPIWebhooks.maximumValues else {
                throw ValidationError(
                    location, "The schemas hold more than \(OpenAPIWebhooks.maximumValues) values once $refs are inlined")
            }
            switch value {
            case .array(let items):
                var inlined: [JSONValue] = []
                for (index, item) in items.enumerated() {
                    inlined.append(try inline(item, at: location + [String(index)], through: followed))
                }
                return .array(inlined)
            case .object(var members):
                if case .string(let reference)? = members.removeValue(forKey: "$ref") {
                    guard !followed.contains(reference) else {
                        throw ValidationError(location, "$ref \(reference) refers back to itself")
                    }
                    let target = try inline(try resolve(reference, at: location), at: location, through: followed + [reference])
                    guard case .object(var resolved) = target else { return target }
                    for (key, sibling) in members {
                        resolved[key] = try inline(sibling, at: location + [key], through: followed)
                    }
                    return .object(resolved)
                }
                var inlined: [String: JSONValue] = [:]
                for (key, member) in members { inlined[key] = try inline(member, at: location + [key], through: followed) }
                return .object(inlined)
            default:
                return value
            }
        }

        private func resolve(_ reference: String, at location: [String]) throws -> JSONValue {
            guard reference.hasPrefix("#/") else {
                throw ValidationError(location, "$ref \(reference) points outside the document, which Herald cannot follow")
            }
            var node = JSONValue.object(document)
            for raw in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
                let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                switch node {
                case .object(let members) where members[token] != nil:
                    node = members[token]!
                case .array(let items) where Int(token).map(items.indices.contains) == true:
                    node = items[Int(token)!]
                default:
                    throw ValidationError(location, "$ref \(reference) points to nothing in the document")
                }
            }
            return node
        }
    }
}
