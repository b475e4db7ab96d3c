import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/event-type`: the catalogue of event types, shared by all applications.
struct EventTypeRoutes {
    let store: any Store
    let configuration: APIConfiguration

    func register(on router: Router<HeraldRequestContext>) {
        router.get("/api/v1/event-type") { request, context in
            let query = try Query(request)
            let withContent = try query.bool("with_content", default: false)
            var page = try await store.eventTypes(
                query.page(defaultOrder: .ascending),
                includeArchived: query.bool("include_archived", default: false)
            )
            // An application token sees the event types its feature flags allow (a page may come out shorter).
            if let scope = context.tokenScope { page.items = page.items.filter { scope.sees(eventTypeFlags: $0.featureFlags) } }
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(EventTypeOut($0, withContent: withContent)) }
        }
        router.post("/api/v1/event-type") { request, context in
            let input = try await decode(request, context)
            try input.validate(requireName: true)
            let now = Date()
            var eventType = EventType(name: input.name ?? "", description: "", createdAt: now, updatedAt: now)
            input.apply(to: &eventType)
            return try JSONCoding.response(EventTypeOut(try await store.insertEventType(eventType)), status: .created)
        }
        router.get("/api/v1/event-type/{event_type_name}") { request, context in
            let eventType = try await store.eventType(request.pathParameter("event_type_name", context))
            if let scope = context.tokenScope, !scope.sees(eventTypeFlags: eventType.featureFlags) {
                throw HeraldError.notFound("Event type not found")
            }
            return try JSONCoding.response(EventTypeOut(eventType))
        }
        router.put("/api/v1/event-type/{event_type_name}") { request, context in
            let name = try request.pathParameter("event_type_name", context)
            do {
                try Validate.identifier(name, ["name"])
            } catch var error as ValidationError {
                error.issues = error.issues.map { ValidationError.Issue(loc: ["path", "event_type_name"], msg: $0.msg) }
                throw error
            }
            let input = try await decode(request, context)
            try input.validate(requireName: false)
            let (eventType, created) = try await Self.upsert(name, store: store) { input.apply(to: &$0) }
            return try JSONCoding.response(EventTypeOut(eventType), status: created ? .created : .ok)
        }
        router.patch("/api/v1/event-type/{event_type_name}") { request, context in
            let patch = try await JSONCoding.decode(
                EventTypePatch.self,
                request: request,
                context: context,
                limit: configuration.maximumBodyBytes
            )
            try patch.validate()
            let now = Date()
            let eventType = try await store.updateEventType(try request.pathParameter("event_type_name", context)) {
                patch.apply(to: &$0)
                $0.updatedAt = now
            }
            return try JSONCoding.response(EventTypeOut(eventType))
        }
        router.delete("/api/v1/event-type/{event_type_name}") { request, context in
            try await store.deleteEventType(
                request.pathParameter("event_type_name", context),
                expunge: Query(request).bool("expunge", default: false)
            )
            return JSONCoding.noContent()
        }
    }

    /// Every event type, page by page, in name order.
    static func all(store: any Store, includeArchived: Bool) async throws -> [EventType] {
        var eventTypes: [EventType] = []
        var page = PageRequest(limit: PageRequest.maximumLimit, order: .ascending)
        while true {
            let found = try await store.eventTypes(page, includeArchived: includeArchived)
            eventTypes += found.items
            guard !found.done, let next = found.iterator else { return eventTypes }
            page = PageRequest(limit: PageRequest.maximumLimit, iterator: next, order: .ascending)
        }
    }

    /// Sets the fields of the event type `name` with `change`, creating it when there is none; says which.
    static func upsert(
        _ name: String, store: any Store, now: Date = Date(), _ change: @escaping @Sendable (inout EventType) -> Void
    ) async throws -> (eventType: EventType, created: Bool) {
        do {
            let eventType = try await store.updateEventType(name) {
                change(&$0)
                $0.updatedAt = now
            }
            return (eventType, false)
        } catch let error as HeraldError where error.isNotFound {
            var eventType = EventType(name: name, description: "", createdAt: now, updatedAt: now)
            change(&eventType)
            do {
                return (try await store.insertEventType(eventType), true)
            } catch let error as HeraldError where error.isConflict {
                return (try await upsert(name, store: store, now: now, change).eventType, false)  // created meanwhile
            }
        }
    }

    private func decode(_ request: Request, _ context: HeraldRequestContext) async throws -> EventTypeIn {
        try await JSONCoding.decode(EventTypeIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
    }
}
