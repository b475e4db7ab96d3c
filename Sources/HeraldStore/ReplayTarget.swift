import Foundation
import HeraldCore

/// What ``Store/replayMissingDeliveries(application:endpoint:since:until:now:)`` needs of its endpoint: where the
/// new deliveries go and the filters that pick their messages. Shared by the stores.
public struct ReplayTarget: Sendable {
    public let endpointID: String
    public let applicationID: String
    public let fifo: Bool
    public let eventTypes: [String]?
    public let channels: [String]?

    /// The window in the forms the scan uses: ids from the first instant on, creation times in milliseconds.
    public struct Window: Sendable {
        public let firstID: String
        public let endID: String
        public let since: Int64
        public let until: Int64
    }

    public init(endpointID: String, applicationID: String, fifo: Bool, eventTypes: [String]?, channels: [String]?) {
        self.endpointID = endpointID
        self.applicationID = applicationID
        self.fifo = fifo
        self.eventTypes = eventTypes
        self.channels = channels
    }

    /// The window of message creation times [since, until]; nil when the filters let nothing through (an empty
    /// list of event types or channels), as at ingest.
    public func window(since: Date, until: Date) -> Window? {
        if eventTypes?.isEmpty == true || channels?.isEmpty == true { return nil }
        guard since <= until else { return nil }
        let ids = Self.messageIDs(since: since, until: until)
        return Window(
            firstID: ids.lowerBound,
            endID: ids.upperBound,
            since: since.millisecondsSince1970,
            until: until.millisecondsSince1970
        )
    }

    /// The ids that messages created in [since, until] can have: from the first id of `since`'s millisecond to
    /// past `until` by ``identifierClockTolerance`` (an id's instant is its message's creation time, or later when
    /// the clock stepped back meanwhile).
    public static func messageIDs(since: Date, until: Date) -> Range<String> {
        let end = until.addingTimeInterval(identifierClockTolerance).millisecondsSince1970
        return Identifier.lowerBound(
            prefix: Identifier.messagePrefix, milliseconds: since.millisecondsSince1970)..<Identifier.lowerBound(
                prefix: Identifier.messagePrefix, milliseconds: max(end, since.millisecondsSince1970))
    }
}
