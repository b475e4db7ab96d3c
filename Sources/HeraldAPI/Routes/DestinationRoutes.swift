import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/app/{app_id}/destination`: Svix's destinations, of the one type Herald serves, `pollingEndpoint`. A
/// polling endpoint is read with `/api/v1/app/{app_id}/poller/{sink_id}` (``PollerRoutes``).
struct DestinationRoutes {
    let store: any Store
    let configuration: APIConfiguration
    static let path = "/api/v1/app/{app_id}/destination"
    static let item = path + "/{destination_id}"

    func register(on router: Router<HeraldRequestContext>) {
        router.get(.init(Self.path)) { request, context in
            let application = try await applicationID(request, context)
            let page = try await store.destinations(application: application, Query(request).page(defaultOrder: .ascending))
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(DestinationOut($0)) }
        }
        router.post(.init(Self.path)) { request, context in
            let input = try await decode(DestinationIn.self, request, context) { try $0.validate() }
            var destination = Self.make(application: try await applicationID(request, context), now: Date())
            input.apply(to: &destination)
            return try JSONCoding.response(DestinationOut(try await store.insertDestination(destination)), status: .created)
        }
        router.get(.init(Self.item)) { request, context in
            try JSONCoding.response(DestinationOut(try await destination(request, context)))
        }
        router.put(.init(Self.item)) { request, context in
            let input = try await decode(DestinationIn.self, request, context) { try $0.validate() }
            let application = try await applicationID(request, context)
            let key = try request.pathParameter("destination_id", context)
            let now = Date()
            do {
                var destination = try await store.destination(application: application, key)
                let uid = destination.uid
                input.apply(to: &destination)
                destination.uid = input.uid ?? uid
                destination.updatedAt = now
                return try JSONCoding.response(DestinationOut(try await store.updateDestination(destination)))
            } catch let error as HeraldError where error.isNotFound {
                var destination = Self.make(application: application, now: now)
                input.apply(to: &destination)
                destination.uid = input.uid ?? key
                try Validate.identifier(destination.uid ?? "", ["uid"])
                return try JSONCoding.response(
                    DestinationOut(try await store.insertDestination(destination)), status: .created)
            }
        }
        router.patch(.init(Self.item)) { request, context in
            let input = try await decode(DestinationPatch.self, request, context) { try $0.validate() }
            var destination = try await destination(request, context)
            input.apply(to: &destination)
            destination.updatedAt = Date()
            return try JSONCoding.response(DestinationOut(try await store.updateDestination(destination)))
        }
        router.delete(.init(Self.item)) { request, context in
            let destination = try await destination(request, context)
            try await store.deleteDestination(application: destination.applicationID, destination.id)
            return JSONCoding.noContent()
        }
    }

    static func make(application: String, now: Date) -> Destination {
        Destination(
            id: Identifier.make(prefix: Identifier.destinationPrefix, milliseconds: now.millisecondsSince1970),
            applicationID: application, createdAt: now, updatedAt: now)
    }

    private func applicationID(_ request: Request, _ context: HeraldRequestContext) async throws -> String {
        try await store.application(request.pathParameter("app_id", context)).id
    }

    private func destination(_ request: Request, _ context: HeraldRequestContext) async throws -> Destination {
        try await store.destination(
            application: applicationID(request, context), request.pathParameter("destination_id", context))
    }

    /// The body as `T`, checked by `validate`.
    private func decode<T: Decodable & Sendable>(
        _ type: T.Type, _ request: Request, _ context: HeraldRequestContext, validate: (T) throws -> Void
    ) async throws -> T {
        let input = try await JSONCoding.decode(type, request: request, context: context, limit: configuration.maximumBodyBytes)
        try validate(input)
        return input
    }
}
