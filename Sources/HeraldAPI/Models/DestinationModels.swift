import Foundation
import HeraldCore

/// Svix's `DestinationIn` (create and upsert) for the one type Herald serves, `pollingEndpoint`.
struct DestinationIn: Decodable, Sendable {
    var type: String
    var uid: String?
    var status: String?
    var batchSize: Int?
    var maxWaitSecs: Int?
    var eventTypes: [String]?
    var channels: [String]?
    var metadata: [String: String]?
    var config: JSONValue?

    func validate() throws {
        try DestinationRules.type(type, config: config)
        if let uid { try Validate.identifier(uid, ["uid"]) }
        _ = try DestinationRules.disabled(status)
        try DestinationRules.batching(batchSize: batchSize, maxWaitSecs: maxWaitSecs)
        try DestinationRules.filters(eventTypes: eventTypes, channels: channels)
    }

    /// Writes every field of the body over `destination` (PUT semantics).
    func apply(to destination: inout Destination) {
        destination.type = type
        destination.uid = uid
        destination.disabled = (try? DestinationRules.disabled(status)) ?? false
        destination.batchSize = batchSize ?? DestinationRules.defaultBatchSize
        destination.maxWaitSeconds = maxWaitSecs ?? 0
        destination.eventTypes = DestinationRules.filter(eventTypes)
        destination.channels = DestinationRules.filter(channels)
        destination.metadata = metadata ?? [:]
    }
}

/// Svix's `DestinationPatch`: `type` (and `config`) as in ``DestinationIn``, every other field optional.
struct DestinationPatch: Decodable, Sendable {
    var type: String
    var uid: PatchField<String>
    var status: PatchField<String>
    var batchSize: PatchField<Int>
    var maxWaitSecs: PatchField<Int>
    var eventTypes: PatchField<[String]>
    var channels: PatchField<[String]>
    var metadata: PatchField<[String: String]>
    var config: JSONValue?

    enum CodingKeys: String, CodingKey {
        case type, uid, status, batchSize, maxWaitSecs, eventTypes, channels, metadata, config
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        uid = try container.decodePatch(String.self, forKey: .uid)
        status = try container.decodePatch(String.self, forKey: .status)
        batchSize = try container.decodePatch(Int.self, forKey: .batchSize)
        maxWaitSecs = try container.decodePatch(Int.self, forKey: .maxWaitSecs)
        eventTypes = try container.decodePatch([String].self, forKey: .eventTypes)
        channels = try container.decodePatch([String].self, forKey: .channels)
        metadata = try container.decodePatch([String: String].self, forKey: .metadata)
        config = try container.decodeIfPresent(JSONValue.self, forKey: .config)
    }

    func validate() throws {
        try DestinationRules.type(type, config: config)
        if let uid = uid.value { try Validate.identifier(uid, ["uid"]) }
        _ = try DestinationRules.disabled(status.value)
        try DestinationRules.batching(batchSize: batchSize.value, maxWaitSecs: maxWaitSecs.value)
        try DestinationRules.filters(eventTypes: eventTypes.value, channels: channels.value)
    }

    func apply(to destination: inout Destination) {
        uid.apply(to: &destination.uid)
        if let status = status.value { destination.disabled = (try? DestinationRules.disabled(status)) ?? false }
        batchSize.apply(to: &destination.batchSize)
        maxWaitSecs.apply(to: &destination.maxWaitSeconds)
        if case .value(let types) = eventTypes { destination.eventTypes = DestinationRules.filter(types) }
        if case .null = eventTypes { destination.eventTypes = nil }
        if case .value(let channels) = channels { destination.channels = DestinationRules.filter(channels) }
        if case .null = channels { destination.channels = nil }
        if case .value(let metadata) = metadata { destination.metadata = metadata }
        if case .null = metadata { destination.metadata = [:] }
    }
}

/// The field rules of destinations, shared by create, upsert and patch.
enum DestinationRules {
    static let defaultBatchSize = 100

    static func type(_ type: String, config: JSONValue?) throws {
        guard type == Destination.pollingEndpoint else {
            throw ValidationError(["body", "type"], "Herald serves pollingEndpoint destinations only")
        }
        switch config {
        case nil, .null: break
        case .object(let members) where members.isEmpty: break
        default: throw ValidationError(["body", "config"], "A pollingEndpoint takes no config: send {} or leave it out")
        }
    }

    /// Whether `status` (`enabled` or `disabled`; nil for the default, enabled) disables the destination.
    static func disabled(_ status: String?) throws -> Bool {
        switch status {
        case nil, "enabled": false
        case "disabled": true
        default: throw ValidationError(["body", "status"], "Expected enabled or disabled")
        }
    }

    static func batching(batchSize: Int?, maxWaitSecs: Int?) throws {
        if let batchSize, !(1...5_000).contains(batchSize) {
            throw ValidationError(["body", "batchSize"], "Must be between 1 and 5000")
        }
        if let maxWaitSecs, !(0...300).contains(maxWaitSecs) {
            throw ValidationError(["body", "maxWaitSecs"], "Must be between 0 and 300")
        }
    }

    /// Event types and channels as endpoints take them, except that an empty list, as in Svix, filters nothing.
    static func filters(eventTypes: [String]?, channels: [String]?) throws {
        try Validate.eventTypeFilter(filter(eventTypes))
        try Validate.channels(filter(channels))
    }

    static func filter(_ values: [String]?) -> [String]? {
        values?.isEmpty == true ? nil : values
    }
}

/// Svix's `DestinationOut` of a polling endpoint. `currentIterator` is where a poll without an iterator starts.
struct DestinationOut: Encodable, Sendable {
    var id: String
    var uid: String?
    var type: String
    var status: String
    var currentIterator: String
    var batchSize: Int
    var maxWaitSecs: Int
    var eventTypes: [String]?
    var channels: [String]?
    var metadata: [String: String]
    var config: [String: String] = [:]
    var createdAt: Date
    var updatedAt: Date

    init(_ destination: Destination) {
        id = destination.id
        uid = destination.uid
        type = destination.type
        status = destination.disabled ? "disabled" : "enabled"
        currentIterator = destination.startPosition
        batchSize = destination.batchSize
        maxWaitSecs = destination.maxWaitSeconds
        eventTypes = destination.eventTypes
        channels = destination.channels
        metadata = destination.metadata
        createdAt = destination.createdAt
        updatedAt = destination.updatedAt
    }
}

/// Svix's `PollingEndpointConsumerSeekIn`.
struct PollerSeekIn: Decodable, Sendable {
    var after: String

    func date() throws -> Date {
        guard let date = Timestamp.parse(after) else {
            throw ValidationError(["body", "after"], "Expected an ISO 8601 date-time")
        }
        return date
    }
}

/// Svix's `PollingEndpointConsumerSeekOut`.
struct PollerSeekOut: Encodable, Sendable {
    var iterator: String
}
