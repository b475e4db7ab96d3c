import Foundation
import HeraldCore
import HeraldStore

/// Svix's `MessageAttemptOut`, plus Herald's `errorKind` and `attemptNumber`.
struct MessageAttemptOut: Encodable, Sendable {
    var id: String
    var msgId: String
    var endpointId: String
    var url: String
    var response: String
    var responseStatusCode: Int
    var responseDurationMs: Int
    var status: Int
    var statusText: String
    var triggerType: Int
    var timestamp: Date
    var errorKind: String?
    var attemptNumber: Int

    init(_ attempt: Attempt) {
        id = attempt.id
        msgId = attempt.messageID
        endpointId = attempt.endpointID
        url = attempt.url
        response = attempt.response
        responseStatusCode = attempt.responseStatusCode
        responseDurationMs = attempt.durationMilliseconds
        status = attempt.status.rawValue
        statusText = attempt.status.text
        triggerType = attempt.trigger.rawValue
        timestamp = attempt.createdAt
        errorKind = attempt.errorKind
        attemptNumber = attempt.attemptNumber
    }
}

/// Svix's `MessageEndpointOut`: an endpoint a message goes to, with the delivery's status.
struct MessageEndpointOut: Encodable, Sendable {
    var id: String
    var uid: String?
    var url: String
    var description: String
    var disabled: Bool
    var eventTypes: [String]?
    var channels: [String]?
    var throttleRate: Int?
    var status: Int
    var statusText: String
    var nextAttempt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ destination: MessageDestination) {
        let endpoint = destination.endpoint
        let delivery = destination.delivery
        id = endpoint.id
        uid = endpoint.uid
        url = endpoint.url
        description = endpoint.description
        disabled = endpoint.disabled
        eventTypes = endpoint.eventTypes
        channels = endpoint.channels
        throttleRate = endpoint.throttleRate
        status = delivery.status.rawValue
        statusText = delivery.status.text
        nextAttempt = delivery.status == .pending || delivery.status == .sending ? delivery.nextAttemptAt : nil
        createdAt = endpoint.createdAt
        updatedAt = endpoint.updatedAt
    }
}

/// Svix's `EndpointMessageOut`: a message sent to an endpoint, with the delivery's status. Payload added raw.
struct EndpointMessageOut: Encodable, Sendable {
    var id: String
    var eventType: String
    var eventId: String?
    var channels: [String]?
    var tags: [String]?
    var timestamp: Date
    var status: Int
    var statusText: String
    var nextAttempt: Date?
    var deliverAt: Date?

    static func encode(_ item: EndpointMessage, withContent: Bool) throws -> [UInt8] {
        let message = item.message
        let delivery = item.delivery
        let out = EndpointMessageOut(
            id: message.id,
            eventType: message.eventType,
            eventId: message.eventID,
            channels: message.channels,
            tags: message.tags,
            timestamp: message.createdAt,
            status: delivery.status.rawValue,
            statusText: delivery.status.text,
            nextAttempt: delivery.status == .pending || delivery.status == .sending ? delivery.nextAttemptAt : nil,
            deliverAt: message.deliverAt
        )
        return try JSONCoding.encode(out, rawMembers: [("payload", MessageOut.payloadBytes(message, withContent))])
    }
}
