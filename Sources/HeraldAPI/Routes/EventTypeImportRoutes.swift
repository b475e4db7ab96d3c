import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `POST /api/v1/event-type/import/openapi`: event types from the webhooks of an OpenAPI document.
struct EventTypeImportRoutes {
    let store: any Store
    let configuration: APIConfiguration

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/event-type/import/openapi") { request, context in
            let input = try await JSONCoding.decode(
                EventTypeImportOpenApiIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            let eventTypes = try OpenAPIWebhooks.eventTypes(try input.document())
            let names = eventTypes.map(\.name)
            if input.dryRun == true {
                return try JSONCoding.response(
                    EventTypeImportOpenApiOut(data: .init(modified: names, toModify: eventTypes)))
            }
            for eventType in eventTypes {
                _ = try await EventTypeRoutes.upsert(eventType.name, store: store) { eventType.apply(to: &$0) }
            }
            if input.replaceAll == true { try await archive(allBut: Set(names)) }
            return try JSONCoding.response(EventTypeImportOpenApiOut(data: .init(modified: names)))
        }
    }

    /// Archives every live event type whose name is not in `kept`.
    private func archive(allBut kept: Set<String>) async throws {
        let stale = try await EventTypeRoutes.all(store: store, includeArchived: false).map(\.name).filter {
            !kept.contains($0)
        }
        let now = Date()
        for name in stale {
            do {
                _ = try await store.updateEventType(name) {
                    $0.archived = true
                    $0.updatedAt = now
                }
            } catch let error as HeraldError where error.isNotFound {
                continue  // deleted meanwhile
            }
        }
    }
}
