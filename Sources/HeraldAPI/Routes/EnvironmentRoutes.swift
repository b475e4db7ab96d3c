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
            let eventTypes = try await EventTypeRoutes.all(store: store, includeArchived: true)
            return try JSONCoding.response(
                EnvironmentOut(createdAt: Date(), eventTypes: eventTypes.map { EventTypeOut($0, withContent: true) }))
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
