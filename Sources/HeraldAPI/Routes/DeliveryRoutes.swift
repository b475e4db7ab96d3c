import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// Manual delivery: resend one message to one endpoint now, send one an example, recover an endpoint's failed
/// deliveries, replay to it the messages it never got, or send it again the ones it got (bulk replay).
struct DeliveryRoutes {
    let store: any Store
    let delivery: (any ManualDelivery)?
    let configuration: APIConfiguration
    /// Runs recover and the replays as background tasks.
    let tasks: BackgroundTaskStarter

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend") { request, context in
            guard let delivery else {
                throw APIError(
                    status: .serviceUnavailable, code: "delivery_unavailable", detail: "The delivery engine is not running")
            }
            _ = try await delivery.resend(
                application: request.pathParameter("app_id", context),
                message: request.pathParameter("msg_id", context),
                endpoint: request.pathParameter("endpoint_id", context)
            )
            return JSONCoding.raw(Array("{}".utf8), status: .accepted)
        }
        router.post("/api/v1/app/{app_id}/endpoint/{endpoint_id}/recover") { request, context in
            let (since, until) = try await window(request, context)
            let endpoint = try await endpoint(request, context)
            let now = Date()
            return try await tasks.respond(.endpointRecover, applicationID: endpoint.applicationID) { [store] in
                try await store.requeueFailedDeliveries(
                    application: endpoint.applicationID, endpoint: endpoint.id, since: since, until: until, now: now)
            }
        }
        router.post("/api/v1/app/{app_id}/endpoint/{endpoint_id}/bulk-replay") { request, context in
            let input = try await JSONCoding.decode(
                BulkReplayIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            let now = Date()
            let filter = try input.filter(now: now)
            let endpoint = try await endpoint(request, context)
            return try await tasks.respond(.endpointBulkReplay, applicationID: endpoint.applicationID) { [store] in
                try await store.replayDeliveries(
                    application: endpoint.applicationID, endpoint: endpoint.id, filter: filter, now: now)
            }
        }
        router.post("/api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example") { request, context in
            try await sendExample(request, context)
        }
        router.post("/api/v1/app/{app_id}/endpoint/{endpoint_id}/replay-missing") { request, context in
            let (since, until) = try await window(request, context)
            let endpoint = try await endpoint(request, context)
            let now = Date()
            return try await tasks.respond(.endpointReplay, applicationID: endpoint.applicationID) { [store] in
                try await store.replayMissingDeliveries(
                    application: endpoint.applicationID, endpoint: endpoint.id, since: since, until: until, now: now)
            }
        }
    }

    /// The path's endpoint: checked before a task starts, so that an unknown one is a 404, not a failed task.
    private func endpoint(_ request: Request, _ context: HeraldRequestContext) async throws -> Endpoint {
        try await store.endpoint(
            application: request.pathParameter("app_id", context), request.pathParameter("endpoint_id", context))
    }

    /// Sends an example of an event type (or a `svix.ping`) to this one endpoint, as a message of its application.
    private func sendExample(_ request: Request, _ context: HeraldRequestContext) async throws -> Response {
        let body = try await JSONCoding.body(request, limit: configuration.maximumBodyBytes)
        try JSONCoding.check(body)
        let input = try JSONCoding.decodeChecked(EventExampleIn.self, from: body)
        try input.validate()
        let application = try request.pathParameter("app_id", context)
        let endpoint = try await store.endpoint(application: application, request.pathParameter("endpoint_id", context))
        let payload: [UInt8]
        if input.payload?.objectValue != nil, let raw = RawJSON.member("payload", in: body) {
            payload = Array(raw)
        } else if input.eventType == EventExampleIn.pingEventType {
            payload = EventExampleIn.pingPayload
        } else {
            payload = try input.example(in: try await store.eventType(input.eventType).schemas)
        }
        let example = NewMessage(eventType: input.eventType, payload: payload, onlyEndpoint: endpoint.id)
        let message = try await store.createMessage(application: application, example, now: Date())
        return JSONCoding.raw(MessageOut.encode(message, withContent: true), status: .accepted)
    }

    /// The `since` and `until` of a recover or replay request body.
    private func window(_ request: Request, _ context: HeraldRequestContext) async throws -> (Date, Date?) {
        try await JSONCoding.decode(RecoverIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            .range()
    }
}

/// Svix's `RecoverIn` and `ReplayIn` (the same fields).
struct RecoverIn: Decodable, Sendable {
    var since: String
    var until: String?

    func range() throws -> (Date, Date?) {
        guard let start = Timestamp.parse(since) else {
            throw ValidationError(["body", "since"], "Expected an ISO 8601 date-time")
        }
        guard let until else { return (start, nil) }
        guard let end = Timestamp.parse(until) else {
            throw ValidationError(["body", "until"], "Expected an ISO 8601 date-time")
        }
        guard end >= start else { throw ValidationError(["body", "until"], "Must not be before since") }
        return (start, end)
    }
}
