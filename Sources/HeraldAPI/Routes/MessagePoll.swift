import Foundation
import HeraldCore
import HeraldStore

/// One read of a polling endpoint: the messages after a position that pass the destination's filters (and the
/// request's), and the position to go on from. The position moves past every message looked at, matching or not,
/// so a narrow filter does not make the next read look at the same messages again.
struct MessagePoll: Sendable {
    /// The most messages one read looks at; a read that stops here says `done: false`.
    static let scanBudget = 2_000

    var destination: Destination
    var eventType: String?
    var channel: String?

    struct Result: Sendable {
        var messages: [Message]
        var position: String
        /// No message after `position` can be read now.
        var done: Bool
    }

    func read(from start: String, limit: Int, store: any Store, now: Date) async throws -> Result {
        var result = Result(messages: [], position: start, done: false)
        let chunk = min(PageRequest.maximumLimit, max(2 * limit, 20))
        var scanned = 0
        while scanned < Self.scanBudget {
            let messages = try await store.messageStream(
                application: destination.applicationID, after: result.position, limit: chunk, now: now)
            for message in messages {
                result.position = message.id
                guard accepts(message) else { continue }
                result.messages.append(message)
                if result.messages.count == limit { return result }
            }
            scanned += messages.count
            if messages.count < chunk {
                result.done = true
                return result
            }
        }
        return result
    }

    private func accepts(_ message: Message) -> Bool {
        if let eventType, message.eventType != eventType { return false }
        if let channel, !(message.channels ?? []).contains(channel) { return false }
        return destination.accepts(eventType: message.eventType, messageChannels: message.channels)
    }
}
