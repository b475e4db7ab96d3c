import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// The read side of the delivery audit: attempts by endpoint or message, one attempt, and delivery lists.
struct AttemptRoutes {
    let store: any Store

    func register(on router: Router<HeraldRequestContext>) {
        router.get("/api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}") { request, context in
            try await list(request, context, endpoint: request.pathParameter("endpoint_id", context), message: nil)
        }
        router.get("/api/v1/app/{app_id}/attempt/msg/{msg_id}") { request, context in
            try await list(
                request,
                context,
                endpoint: Query(request).string("endpoint_id"),
                message: request.pathParameter("msg_id", context)
            )
        }
        router.get("/api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}") { request, context in
            let attempt = try await store.attempt(
                application: request.pathParameter("app_id", context),
                message: request.pathParameter("msg_id", context),
                request.pathParameter("attempt_id", context)
            )
            return try JSONCoding.response(MessageAttemptOut(attempt))
        }
        router.delete("/api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}/content") { request, context in
            try await store.expungeAttemptResponse(
                application: request.pathParameter("app_id", context),
                message: request.pathParameter("msg_id", context),
                request.pathParameter("attempt_id", context)
            )
            return JSONCoding.noContent()
        }
        router.get("/api/v1/app/{app_id}/msg/{msg_id}/endpoint") { request, context in
            let page = try await store.messageDestinations(
                application: request.pathParameter("app_id", context),
                message: request.pathParameter("msg_id", context),
                Query(request).page(defaultOrder: .ascending)
            )
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(MessageEndpointOut($0)) }
        }
        router.get("/api/v1/app/{app_id}/endpoint/{endpoint_id}/msg") { request, context in
            let query = try Query(request)
            let withContent = try query.bool("with_content", default: true)
            let page = try await store.endpointMessages(
                application: request.pathParameter("app_id", context),
                endpoint: request.pathParameter("endpoint_id", context),
                filter: MessageRoutes.messageFilter(query),
                query.page(defaultOrder: .descending)
            )
            return try JSONCoding.listResponse(page) { try EndpointMessageOut.encode($0, withContent: withContent) }
        }
    }

    private func list(_ request: Request, _ context: HeraldRequestContext, endpoint: String?, message: String?)
        async throws -> Response
    {
        let query = try Query(request)
        var messageFilter = try MessageRoutes.messageFilter(query)
        messageFilter.status = nil
        var statusClass: Int?
        if let value = try query.integer("status_code_class") {
            guard [0, 100, 200, 300, 400, 500].contains(value) else {
                throw ValidationError(["query", "status_code_class"], "Expected 0, 100, 200, 300, 400 or 500")
            }
            statusClass = value / 100
        }
        let filter = AttemptFilter(
            endpoint: endpoint,
            message: message,
            status: try query.status("status"),
            statusCodeClass: statusClass,
            messageFilter: messageFilter
        )
        let page = try await store.attempts(
            application: request.pathParameter("app_id", context),
            filter: filter,
            query.page(defaultOrder: .descending)
        )
        return try JSONCoding.listResponse(page) { try JSONCoding.encode(MessageAttemptOut($0)) }
    }
}
