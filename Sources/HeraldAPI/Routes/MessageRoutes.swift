import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/app/{app_id}/msg`: producers emit messages; operators list, read and expunge them.
struct MessageRoutes {
    let store: any Store
    let configuration: APIConfiguration
    let metrics: APIMetrics

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/app/{app_id}/msg") { request, context in
            let body = try await JSONCoding.body(request, limit: configuration.maximumBodyBytes)
            let input = try MessageIn.decode(body)
            let new = try input.newMessage(body: body)
            let withContent = try Query(request).bool("with_content", default: true)
            let key = try request.pathParameter("app_id", context)
            let message: Message
            do {
                message = try await store.createMessage(application: key, new, now: Date())
            } catch let error as HeraldError where error.isNotFound {
                // The first message to a tenant may describe its application (a concurrent one may create it).
                _ = try await ApplicationCreation.existingOrCreated(key, store: store) {
                    try input.applicationToCreate(key: key, now: Date())
                }
                message = try await store.createMessage(application: key, new, now: Date())
            }
            metrics.ingested.increment()
            return JSONCoding.raw(MessageOut.encode(message, withContent: withContent), status: .accepted)
        }
        router.get("/api/v1/app/{app_id}/msg") { request, context in
            let query = try Query(request)
            let withContent = try query.bool("with_content", default: true)
            let page = try await store.messages(
                application: request.pathParameter("app_id", context),
                filter: Self.messageFilter(query),
                query.page(defaultOrder: .descending)
            )
            return try JSONCoding.listResponse(page) { MessageOut.encode($0, withContent: withContent) }
        }
        router.get("/api/v1/app/{app_id}/msg/{msg_id}") { request, context in
            let withContent = try Query(request).bool("with_content", default: true)
            let message = try await store.message(
                application: request.pathParameter("app_id", context),
                request.pathParameter("msg_id", context)
            )
            return JSONCoding.raw(MessageOut.encode(message, withContent: withContent))
        }
        router.delete("/api/v1/app/{app_id}/msg/{msg_id}/content") { request, context in
            try await store.expungePayload(
                application: request.pathParameter("app_id", context),
                message: request.pathParameter("msg_id", context)
            )
            return JSONCoding.noContent()
        }
    }

    /// The message filters shared by the message, attempt and endpoint-message lists.
    static func messageFilter(_ query: Query) throws -> MessageFilter {
        let filter = MessageFilter(
            eventTypes: query.list("event_types"),
            channel: query.string("channel"),
            tag: query.string("tag"),
            before: try query.date("before"),
            after: try query.date("after"),
            status: try query.status("status")
        )
        return filter
    }
}
