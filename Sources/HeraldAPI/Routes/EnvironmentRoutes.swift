import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/environment`: export the event type catalogue, and import one (from another Herald, or from Svix),
/// to carry it between environments such as staging and production.
struct EnvironmentRoutes {
    let store: any Store
    let configuration: APIConfiguration

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/environment/export") { _, _ in
            var eventTypes: [EventTypeOut] = []
            var page = PageRequest(limit: 250, order: .ascending)
            while true {
                let found = try await store.eventTypes(page, includeArchived: true)
                eventTypes += found.items.map { EventTypeOut($0, withContent: true) }
                guard !found.done, let next = found.iterator else { break }
                page = PageRequest(limit: 250, iterator: next, order: .ascending)
            }
            return try JSONCoding.response(EnvironmentOut(createdAt: Date(), eventTypes: eventTypes))
        }
        router.post("/api/v1/environment/import") { request, context in
            let input = try await JSONCoding.decode(
                EnvironmentIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            for eventType in try input.validatedEventTypes() {
                _ = try await EventTypeRoutes.upsert(eventType.name ?? "", store: store) { eventType.apply(to: &$0) }
            }
            return JSONCoding.noContent()
        }
    }
}
