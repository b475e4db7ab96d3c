/// The filters an endpoint or a polling endpoint subscribes with.
public enum SubscriptionFilter {
    /// Whether a message of `eventType` sent on `messageChannels` passes `eventTypes` (nil: every type) and
    /// `channels` (nil: every message; otherwise the message must share one of them).
    public static func passes(eventType: String, messageChannels: [String]?, eventTypes: [String]?, channels: [String]?)
        -> Bool
    {
        if let eventTypes, !eventTypes.contains(eventType) { return false }
        if let channels {
            guard let messageChannels, messageChannels.contains(where: channels.contains) else { return false }
        }
        return true
    }
}
