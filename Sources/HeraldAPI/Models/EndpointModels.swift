import Foundation
import HeraldCore

/// Svix's `EndpointIn` (create) and `EndpointUpdate` (upsert, which has no `secret`).
struct EndpointIn: Decodable, Sendable {
    var url: String
    var description: String?
    var uid: String?
    var disabled: Bool?
    var eventTypes: [String]?
    var channels: [String]?
    var throttleRate: Int?
    var secret: String?
    var metadata: [String: String]?
    var headers: [String: String]?
    /// Herald extension: `"5s,1m,1h"`, this endpoint's own retry delays.
    var retrySchedule: String?
    /// Herald extension: `"fifo"` delivers one at a time in message order; `"unordered"` (default) does not.
    var ordering: String?

    enum CodingKeys: String, CodingKey {
        case url, description, uid, disabled, eventTypes, filterTypes, channels, throttleRate, rateLimit, secret
        case metadata, headers, retrySchedule, ordering
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        uid = try container.decodeIfPresent(String.self, forKey: .uid)
        disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled)
        // Older Svix clients call the filter `filterTypes` and the rate `rateLimit`.
        eventTypes =
            try container.decodeIfPresent([String].self, forKey: .eventTypes)
            ?? container.decodeIfPresent([String].self, forKey: .filterTypes)
        channels = try container.decodeIfPresent([String].self, forKey: .channels)
        throttleRate =
            try container.decodeIfPresent(Int.self, forKey: .throttleRate)
            ?? container.decodeIfPresent(Int.self, forKey: .rateLimit)
        secret = try container.decodeIfPresent(String.self, forKey: .secret)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata)
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers)
        retrySchedule = try container.decodeIfPresent(String.self, forKey: .retrySchedule)
        ordering = try container.decodeIfPresent(String.self, forKey: .ordering)
    }

    func validate() throws {
        try Validate.url(url)
        _ = try Validate.retrySchedule(retrySchedule)
        _ = try Validate.ordering(ordering)
        if let uid { try Validate.identifier(uid, ["uid"]) }
        try Validate.eventTypeFilter(eventTypes)
        try Validate.channels(channels)
        try Validate.throttleRate(throttleRate)
        if let headers { try Validate.headers(headers) }
        if let secret { _ = try Validate.secret(secret, ["secret"]) }
        if let description, description.count > 4096 {
            throw ValidationError(["body", "description"], "Must be at most 4096 characters")
        }
    }

    /// Writes every field of the body over `endpoint` (PUT semantics); headers and secret only when given.
    func apply(to endpoint: inout Endpoint) {
        endpoint.url = url
        endpoint.description = description ?? ""
        endpoint.uid = uid
        endpoint.disabled = disabled ?? false
        endpoint.eventTypes = eventTypes
        endpoint.channels = channels
        endpoint.throttleRate = throttleRate
        endpoint.metadata = metadata ?? [:]
        if let headers { endpoint.headers = headers }
        endpoint.retrySchedule = (try? Validate.retrySchedule(retrySchedule)) ?? nil
        endpoint.fifo = (try? Validate.ordering(ordering)) ?? false
    }
}

/// Svix's `EndpointPatch`.
struct EndpointPatch: Decodable, Sendable {
    var url: PatchField<String>
    var description: PatchField<String>
    var uid: PatchField<String>
    var disabled: PatchField<Bool>
    var eventTypes: PatchField<[String]>
    var channels: PatchField<[String]>
    var throttleRate: PatchField<Int>
    var metadata: PatchField<[String: String]>
    var retrySchedule: PatchField<String>
    var ordering: PatchField<String>

    enum CodingKeys: String, CodingKey {
        case url, description, uid, disabled, eventTypes, filterTypes, channels, throttleRate, rateLimit, metadata
        case retrySchedule, ordering
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decodePatch(String.self, forKey: .url)
        description = try container.decodePatch(String.self, forKey: .description)
        uid = try container.decodePatch(String.self, forKey: .uid)
        disabled = try container.decodePatch(Bool.self, forKey: .disabled)
        eventTypes = try container.decodePatch([String].self, forKey: .eventTypes)
        if case .absent = eventTypes { eventTypes = try container.decodePatch([String].self, forKey: .filterTypes) }
        channels = try container.decodePatch([String].self, forKey: .channels)
        throttleRate = try container.decodePatch(Int.self, forKey: .throttleRate)
        if case .absent = throttleRate { throttleRate = try container.decodePatch(Int.self, forKey: .rateLimit) }
        metadata = try container.decodePatch([String: String].self, forKey: .metadata)
        retrySchedule = try container.decodePatch(String.self, forKey: .retrySchedule)
        ordering = try container.decodePatch(String.self, forKey: .ordering)
    }

    func validate() throws {
        if let url = url.value { try Validate.url(url) }
        _ = try Validate.retrySchedule(retrySchedule.value)
        _ = try Validate.ordering(ordering.value)
        if let uid = uid.value { try Validate.identifier(uid, ["uid"]) }
        try Validate.eventTypeFilter(eventTypes.value)
        try Validate.channels(channels.value)
        try Validate.throttleRate(throttleRate.value)
    }

    func apply(to endpoint: inout Endpoint) {
        url.apply(to: &endpoint.url)
        if case .value(let text) = description { endpoint.description = text }
        if case .null = description { endpoint.description = "" }
        uid.apply(to: &endpoint.uid)
        disabled.apply(to: &endpoint.disabled)
        eventTypes.apply(to: &endpoint.eventTypes)
        channels.apply(to: &endpoint.channels)
        throttleRate.apply(to: &endpoint.throttleRate)
        if case .value(let metadata) = metadata { endpoint.metadata = metadata }
        if case .null = metadata { endpoint.metadata = [:] }
        switch retrySchedule {
        case .absent: break
        case .null: endpoint.retrySchedule = nil
        case .value(let text): endpoint.retrySchedule = (try? Validate.retrySchedule(text)) ?? nil
        }
        switch ordering {
        case .absent: break
        case .null: endpoint.fifo = false
        case .value(let text): endpoint.fifo = (try? Validate.ordering(text)) ?? false
        }
    }
}

/// Svix's `EndpointOut`, plus Herald's `retrySchedule`, `ordering` and read-only `circuitState`.
struct EndpointOut: Encodable, Sendable {
    var id: String
    var uid: String?
    var url: String
    var description: String
    var disabled: Bool
    var eventTypes: [String]?
    var channels: [String]?
    var throttleRate: Int?
    var metadata: [String: String]
    var retrySchedule: String?
    var ordering: String
    var circuitState: String
    var createdAt: Date
    var updatedAt: Date

    init(_ endpoint: Endpoint) {
        retrySchedule = endpoint.retrySchedule.map { RetrySchedule(delays: $0).description }
        ordering = endpoint.fifo ? "fifo" : "unordered"
        circuitState = endpoint.circuitState
        id = endpoint.id
        uid = endpoint.uid
        url = endpoint.url
        description = endpoint.description
        disabled = endpoint.disabled
        eventTypes = endpoint.eventTypes
        channels = endpoint.channels
        throttleRate = endpoint.throttleRate
        metadata = endpoint.metadata
        createdAt = endpoint.createdAt
        updatedAt = endpoint.updatedAt
    }
}

/// Svix's `EndpointSecretOut`.
struct EndpointSecretOut: Encodable, Sendable {
    var key: String
}

/// Svix's `EndpointSecretRotateIn`, plus Herald's `gracePeriodSeconds`.
struct EndpointSecretRotateIn: Decodable, Sendable {
    var key: String?
    var gracePeriodSeconds: Int?

    init(key: String? = nil, gracePeriodSeconds: Int? = nil) {
        self.key = key
        self.gracePeriodSeconds = gracePeriodSeconds
    }

    func validate() throws {
        if let key { _ = try Validate.secret(key, ["key"]) }
        if let gracePeriodSeconds, !(0...604_800).contains(gracePeriodSeconds) {
            throw ValidationError(["body", "gracePeriodSeconds"], "Must be between 0 and 604800 (7 days)")
        }
    }
}

/// Svix's `EndpointHeadersIn` (PUT) and `EndpointHeadersPatchIn` (PATCH).
struct EndpointHeadersIn: Decodable, Sendable {
    var headers: [String: String]
    var deleteHeaders: [String]?
}

/// Svix's `EndpointHeadersOut`.
struct EndpointHeadersOut: Encodable, Sendable {
    var headers: [String: String]
    var sensitive: [String]
}

/// Svix's `EndpointStats`.
struct EndpointStatsOut: Encodable, Sendable {
    var success: Int
    var pending: Int
    var sending: Int
    var fail: Int
    var canceled: Int

    init(_ stats: DeliveryStats) {
        success = stats.success
        pending = stats.pending
        sending = stats.sending
        fail = stats.fail
        canceled = stats.canceled
    }
}

/// Svix's `EndpointAttemptStats`: the endpoint's attempts in a window, by outcome.
struct EndpointAttemptStatsOut: Encodable, Sendable {
    var success: Int
    var fail: Int
    var canceled: Int
}
