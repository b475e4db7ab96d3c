import Foundation
import HeraldCore
import HeraldStore

/// Svix's `BulkReplayIn`: which of an endpoint's messages to send it again.
struct BulkReplayIn: Decodable, Sendable {
    var since: String
    var until: String?
    var eventTypes: [String]?
    var channel: String?
    var tag: String?
    var status: Int?
    var statusCodeClass: Int?

    /// The filter for the store; `until` defaults to `now`.
    func filter(now: Date) throws -> BulkReplayFilter {
        let (since, until) = try RecoverIn(since: since, until: until).range()
        try Validate.eventTypeFilter(eventTypes)
        if let channel { try Validate.identifier(channel, ["channel"], maximum: 128) }
        if let tag { try Validate.identifier(tag, ["tag"], maximum: 128) }
        var deliveryStatus: DeliveryStatus?
        if let status {
            guard let parsed = DeliveryStatus(rawValue: status) else {
                throw ValidationError(["body", "status"], "Expected a message status from 0 to 4")
            }
            deliveryStatus = parsed
        }
        if let statusCodeClass {
            guard [0, 100, 200, 300, 400, 500].contains(statusCodeClass) else {
                throw ValidationError(["body", "statusCodeClass"], "Expected 0, 100, 200, 300, 400 or 500")
            }
        }
        return BulkReplayFilter(
            since: since,
            until: until ?? now,
            eventTypes: eventTypes,
            channel: channel,
            tag: tag,
            status: deliveryStatus,
            statusCodeClass: statusCodeClass.map { $0 / 100 }
        )
    }
}
