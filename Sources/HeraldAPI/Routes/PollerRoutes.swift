import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/app/{app_id}/poller/{sink_id}`: reading a polling endpoint (Svix's message poller). A consumer reads
/// the application's messages that pass the destination's filters, in the order they were made, from an
/// iterator; with `…/consumer/{consumer_id}` Herald keeps each consumer's iterator, and `…/seek` moves it to a time.
///
/// An iterator is a position in the application's messages: it holds no filter, so any iterator of the
/// application can be given to any of its polling endpoints.
struct PollerRoutes {
    let store: any Store
    let configuration: APIConfiguration
    static let path = "/api/v1/app/{app_id}/poller/{sink_id}"
    static let consumer = path + "/consumer/{consumer_id}"

    func register(on router: Router<HeraldRequestContext>) {
        router.get(.init(Self.path)) { request, context in
            let destination = try await destination(request, context)
            let query = try Query(request)
            let after = try query.date("after").map { Identifier.messagePosition(after: $0.millisecondsSince1970) }
            let start = try Self.iterator(query) ?? after ?? destination.startPosition
            var poll = MessagePoll(destination: destination)
            poll.eventType = query.string("event_type")
            poll.channel = query.string("channel")
            return try Self.response(try await poll.read(from: start, limit: query.limit(), store: store, now: Date()))
        }
        router.get(.init(Self.consumer)) { request, context in
            let destination = try await destination(request, context)
            let consumer = try Self.consumerID(request, context)
            let query = try Query(request)
            let stored = try await store.pollerPosition(destination: destination.id, consumer: consumer)
            let start = try Self.iterator(query) ?? stored ?? destination.startPosition
            let now = Date()
            let result = try await MessagePoll(destination: destination)
                .read(from: start, limit: query.limit(), store: store, now: now)
            if result.position != stored {
                try await store.setPollerPosition(
                    destination: destination.id, consumer: consumer, position: result.position, now: now)
            }
            return try Self.response(result)
        }
        router.post(.init(Self.consumer + "/seek")) { request, context in
            let destination = try await destination(request, context)
            let consumer = try Self.consumerID(request, context)
            let input = try await JSONCoding.decode(
                PollerSeekIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            let position = Identifier.messagePosition(after: try input.date().millisecondsSince1970)
            try await store.setPollerPosition(
                destination: destination.id, consumer: consumer, position: position, now: Date())
            return try JSONCoding.response(PollerSeekOut(iterator: position))
        }
    }

    /// The polling endpoint of the path; 409 while it is disabled.
    private func destination(_ request: Request, _ context: HeraldRequestContext) async throws -> Destination {
        let application = try await store.application(request.pathParameter("app_id", context)).id
        let destination = try await store.destination(
            application: application, request.pathParameter("sink_id", context))
        guard !destination.disabled else { throw APIError.conflict("This polling endpoint is disabled") }
        return destination
    }

    private static func consumerID(_ request: Request, _ context: HeraldRequestContext) throws -> String {
        let consumer = try request.pathParameter("consumer_id", context)
        do {
            try Validate.identifier(consumer, ["consumer_id"])
        } catch {
            throw ValidationError(["path", "consumer_id"], "Must be 1 to 256 characters of letters, digits, '-', '_' or '.'")
        }
        return consumer
    }

    /// The request's iterator, which must be one this API gave out: a message id or a position between two.
    private static func iterator(_ query: Query) throws -> String? {
        guard let iterator = query.string("iterator") else { return nil }
        guard Identifier.looksLikeID(iterator, prefix: Identifier.messagePrefix) else {
            throw ValidationError(["query", "iterator"], "Not an iterator of a polling endpoint")
        }
        return iterator
    }

    /// Svix's `PollingEndpointOut`: the messages as `MessageOut`s, the iterator to go on from, and `done`.
    private static func response(_ result: MessagePoll.Result) throws -> Response {
        try JSONCoding.dataResponse(
            result.messages, encodeItem: { MessageOut.encode($0, withContent: true) },
            then: [
                ("iterator", try JSONCoding.encode(result.position)),
                ("done", Array((result.done ? "true" : "false").utf8)),
            ])
    }
}
