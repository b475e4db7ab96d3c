import Foundation
import HeraldCore

/// Svix's `EventExampleIn`: which example to send to one endpoint, to try it out.
struct EventExampleIn: Decodable, Sendable {
    /// The event type Svix (and Herald) answer without looking for a schema: a ping whose payload says it arrived.
    static let pingEventType = "svix.ping"
    static let pingPayload = Array(#"{"success":true}"#.utf8)

    var eventType: String
    var exampleIndex: Int?
    /// A payload of the caller's own instead of the schema's example.
    var payload: JSONValue?

    func validate() throws {
        try Validate.identifier(eventType, ["eventType"])
        if let exampleIndex, exampleIndex < 0 {
            throw ValidationError(["body", "exampleIndex"], "Must not be negative")
        }
        if let payload, payload.objectValue == nil, payload != .null {
            throw ValidationError(["body", "payload"], "Must be a JSON object")
        }
    }

    /// The example at `exampleIndex` (default the first) of the newest schema version that lists `examples`.
    /// Throws a 422 for an index past the last example and a 400 when no version lists an object to send.
    func example(in schemas: JSONValue?) throws -> [UInt8] {
        let versions = (schemas?.objectValue ?? [:]).sorted { (Int($0.key) ?? 0) > (Int($1.key) ?? 0) }
        let examples = versions.lazy.compactMap { Self.examples(of: $0.value) }.first ?? []
        let index = exampleIndex ?? 0
        guard examples.isEmpty || index < examples.count else {
            throw ValidationError(["body", "exampleIndex"], "The event type's schema has \(examples.count) examples")
        }
        guard !examples.isEmpty, examples[index].objectValue != nil else {
            throw APIError(
                status: .badRequest, code: "invalid_schema",
                detail: "The event type's schema lists no example object to send (its \"examples\")")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(examples[index]))
    }

    private static func examples(of schema: JSONValue) -> [JSONValue]? {
        guard case .array(let examples)? = schema.objectValue?["examples"], !examples.isEmpty else { return nil }
        return examples
    }
}
