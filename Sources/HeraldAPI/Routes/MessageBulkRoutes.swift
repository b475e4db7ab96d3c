import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// Message routes that act on an application's messages as a whole: whether a message would reach anyone, and
/// erasing payloads in bulk or all of them.
struct MessageBulkRoutes {
    let store: any Store
    let configuration: APIConfiguration
    /// Runs the purge of all contents as a background task.
    let tasks: BackgroundTaskStarter

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/app/{app_id}/msg/precheck/active") { request, context in
            let input = try await JSONCoding.decode(
                MessagePrecheckIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            try input.validate()
            let active = try await anyEndpointAccepts(
                application: request.pathParameter("app_id", context), input.eventType, input.channels)
            return try JSONCoding.response(MessagePrecheckOut(active: active))
        }
        router.post("/api/v1/app/{app_id}/msg/bulk-expunge") { request, context in
            let input = try await JSONCoding.decode(
                BulkExpungeContentsIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            try input.validate()
            let application = try request.pathParameter("app_id", context)
            _ = try await store.application(application)  // an unknown application is 404, not every id not found
            var results: [String: String] = [:]
            for id in input.ids ?? [] where results[id] == nil {
                do {
                    try await store.expungePayload(application: application, message: id)
                    results[id] = "expunged"
                } catch let error as HeraldError where error.isNotFound {
                    results[id] = "not-found"
                }
            }
            return try JSONCoding.response(BulkExpungeContentsOut(results: results))
        }
        router.post("/api/v1/app/{app_id}/msg/expunge-all-contents") { request, context in
            let application = try await store.application(request.pathParameter("app_id", context)).id
            return try await tasks.respond(.applicationPurgeContent, applicationID: application) { [store] in
                try await store.expungeAllPayloads(application: application)
            }
        }
    }

    /// Whether an enabled endpoint of the application takes a message of `eventType` on `channels`.
    private func anyEndpointAccepts(application: String, _ eventType: String, _ channels: [String]?) async throws
        -> Bool
    {
        var page = PageRequest(limit: PageRequest.maximumLimit, order: .ascending)
        while true {
            let endpoints = try await store.endpoints(application: application, page)
            if endpoints.items.contains(where: { $0.accepts(eventType: eventType, messageChannels: channels) }) {
                return true
            }
            guard !endpoints.done, let next = endpoints.iterator else { return false }
            page = PageRequest(limit: PageRequest.maximumLimit, iterator: next, order: .ascending)
        }
    }
}
