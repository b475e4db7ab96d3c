import Foundation
import HeraldCore

/// Svix's `MessageIn`. The payload is checked to be an object here and kept as the producer's own bytes.
struct MessageIn: Decodable, Sendable {
    var eventType: String
    var eventId: String?
    var channels: [String]?
    var tags: [String]?
    var payloadRetentionPeriod: Int?
    var payloadRetentionHours: Int?
    /// Creates the application named in the path alongside the message, when it does not exist yet.
    var application: ApplicationIn? = nil
    /// When the first attempts are due (ISO 8601), at most ``maximumDeliveryDelay`` ahead.
    var deliverAt: String? = nil
    /// Svix's parameters for transformations: Herald reads the raw payload the SDKs send there.
    var transformationsParams: TransformationsParams? = nil
    private var payload: ObjectShape
    /// Where the payload's text is in the body, when the body was read directly (never decoded).
    private var payloadSpan: Range<Int>? = nil

    private enum CodingKeys: String, CodingKey {
        case eventType, eventId, channels, tags, payloadRetentionPeriod, payloadRetentionHours, application, deliverAt
        case transformationsParams, payload
    }

    /// Decodes an object without keeping its members.
    private struct ObjectShape: Decodable, Sendable {
        /// An object already seen to be one.
        init() {}

        init(from decoder: any Decoder) throws {
            do {
                _ = try decoder.container(keyedBy: AnyKey.self)
            } catch {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "payload must be a JSON object")
                )
            }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The fields of a message body: read directly when the body has the common shape, otherwise with
    /// `JSONDecoder`, whose errors name the field at fault.
    static func decode(_ body: [UInt8]) throws -> MessageIn {
        try JSONCoding.check(body)
        if let fields = CommonShapeReader.read(body), let eventType = fields.eventType {
            return MessageIn(
                eventType: eventType, eventId: fields.eventId, channels: fields.channels, tags: fields.tags,
                payloadRetentionPeriod: fields.payloadRetentionPeriod,
                payloadRetentionHours: fields.payloadRetentionHours, payload: ObjectShape(), payloadSpan: fields.payload)
        }
        return try JSONCoding.decodeChecked(MessageIn.self, from: body)
    }

    /// The application to create for a message sent to `key` (an id or uid that names no application yet): the one
    /// the body describes, with `key` as its uid. Nil when the body describes none.
    func applicationToCreate(key: String, now: Date) throws -> Application? {
        try application?.makeApplication(pathKey: key, now: now)
    }

    /// How far ahead `deliverAt` may be (as with Svix).
    static let maximumDeliveryDelay: TimeInterval = 24 * 3600

    /// Validates the fields and builds the message to store, with the payload's raw bytes from `body`. A
    /// `deliverAt` that is not after `now` means at once.
    func newMessage(body: [UInt8], now: Date = Date()) throws -> NewMessage {
        try Validate.identifier(eventType, ["eventType"])
        let raw = try transformationsParams?.rawPayloadAndType()
        if let eventId { try Validate.printable(eventId, ["eventId"]) }
        try Validate.channels(channels)
        try Validate.tags(tags)
        var retention = Double(Message.defaultRetentionDays) * 86_400
        if let days = payloadRetentionPeriod {
            guard (1...1825).contains(days) else {
                throw ValidationError(["body", "payloadRetentionPeriod"], "Must be between 1 and 1825 days")
            }
            retention = Double(days) * 86_400
        }
        if let hours = payloadRetentionHours {
            guard (1...1825 * 24).contains(hours) else {
                throw ValidationError(["body", "payloadRetentionHours"], "Must be between 1 and 43800 hours")
            }
            retention = Double(hours) * 3600
        }
        var scheduled: Date?
        if let deliverAt {
            guard let date = Timestamp.parse(deliverAt) else {
                throw ValidationError(["body", "deliverAt"], "Expected an ISO 8601 date-time")
            }
            guard date <= now.addingTimeInterval(Self.maximumDeliveryDelay) else {
                throw ValidationError(["body", "deliverAt"], "Must be at most 24 hours in the future")
            }
            scheduled = date > now ? date : nil
        }
        guard let payload = payloadSpan.map({ body[$0] }) ?? RawJSON.member("payload", in: body) else {
            throw ValidationError(["body", "payload"], "Field required", type: "missing")
        }
        return NewMessage(
            eventType: eventType,
            eventID: eventId,
            channels: channels,
            tags: tags,
            payload: raw?.payload ?? Array(payload),
            retention: retention,
            deliverAt: scheduled,
            contentType: raw?.contentType
        )
    }
}

/// Svix's `MessageOut`: `id`, `eventType`, `eventId`, `channels` and `tags` when set, `timestamp`, `deliverAt`
/// when scheduled, and the payload as the producer wrote it (a raw payload as `transformationsParams`, beside
/// `payload: {}`, as it was sent). Written by hand (see ``JSONWriter``): every message response goes through here.
enum MessageOut {
    /// The message as JSON; its payload is `{}` without content or once expunged.
    static func encode(_ message: Message, withContent: Bool) -> [UInt8] {
        let payload = payloadBytes(message, withContent)
        var json = JSONWriter(capacity: 192 + payload.count)
        json.member("id", message.id)
        json.member("eventType", message.eventType)
        if let eventID = message.eventID { json.member("eventId", eventID) }
        if let channels = message.channels { json.member("channels", channels) }
        if let tags = message.tags { json.member("tags", tags) }
        json.member("timestamp", Timestamp.format(message.createdAt))
        if let deliverAt = message.deliverAt { json.member("deliverAt", Timestamp.format(deliverAt)) }
        json.rawMember("payload", payload)
        if withContent, let contentType = message.contentType, let raw = message.payload {
            json.rawMember(
                "transformationsParams", TransformationsParams.encode(rawPayload: raw, contentType: contentType))
        }
        return json.finish()
    }

    /// The JSON payload as stored; `{}` without content, once expunged, and for a raw payload (which may be no JSON).
    static func payloadBytes(_ message: Message, _ withContent: Bool) -> [UInt8] {
        guard withContent, message.contentType == nil, let payload = message.payload else { return Array("{}".utf8) }
        return payload
    }
}
