import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// Manual delivery: resend one message to one endpoint now, or recover an endpoint's failed deliveries.
struct DeliveryRoutes {
    let store: any Store
    let delivery: (any ManualDelivery)?
    let configuration: APIConfiguration

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
            let input = try await JSONCoding.decode(
                RecoverIn.self,
                request: request,
                context: context,
                limit: configuration.maximumBodyBytes
            )
            let (since, until) = try input.range()
            let now = Date()
            _ = try await store.requeueFailedDeliveries(
                application: request.pathParameter("app_id", context),
                endpoint: request.pathParameter("endpoint_id", context),
                since: since,
                until: until,
                now: now
            )
            let out = RecoverOut(
                id: "qtask_" + Identifier.make(prefix: "", milliseconds: now.millisecondsSince1970),
                status: "finished",
                task: "endpoint.recover",
                updatedAt: now
            )
            return try JSONCoding.response(out, status: .accepted)
        }
    }
}

/// Svix's `RecoverIn`.
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

/// Svix's `RecoverOut`: the background task, which Herald finishes before answering.
struct RecoverOut: Encodable, Sendable {
    var id: String
    var status: String
    var task: String
    var updatedAt: Date
}
