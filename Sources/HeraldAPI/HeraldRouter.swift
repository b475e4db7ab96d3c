import Foundation
import HeraldStore
import Hummingbird

/// Builds Herald's HTTP API: every route, behind error mapping, authentication and idempotency.
public enum HeraldRouter {
    /// - Parameters:
    ///   - delivery: the engine behind the resend route (nil answers 503 there).
    ///   - events: where endpoint.created/updated/deleted go (nil publishes none).
    public static func make(
        store: any Store,
        configuration: APIConfiguration,
        delivery: (any ManualDelivery)? = nil,
        events: OperationalEvents? = nil
    ) -> Router<HeraldRequestContext> {
        let router = Router(context: HeraldRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        let authenticator = TokenAuthenticator(
            store: store,
            adminToken: configuration.adminToken,
            cacheLifetime: configuration.tokenCacheLifetime
        )
        router.add(middleware: AuthMiddleware(authenticator: authenticator))
        router.add(middleware: IdempotencyMiddleware(store: store, lifetime: configuration.idempotencyLifetime))
        ServiceRoutes(openAPISpec: openAPISpec).register(on: router)
        ApplicationRoutes(store: store, configuration: configuration).register(on: router)
        EndpointRoutes(store: store, configuration: configuration, events: events).register(on: router)
        DeliveryRoutes(store: store, delivery: delivery, configuration: configuration).register(on: router)
        EventTypeRoutes(store: store, configuration: configuration).register(on: router)
        MessageRoutes(store: store, configuration: configuration).register(on: router)
        AttemptRoutes(store: store).register(on: router)
        return router
    }

    /// The OpenAPI document (`Schemas/openapi.yaml`), shipped as this module's resource bundle beside the binary.
    ///
    /// Looked up by hand rather than through `Bundle.module`, which stops the process when the bundle is missing
    /// (a binary copied without its `herald_HeraldAPI.resources` folder still serves, with a stub document).
    public static let openAPISpec: String = {
        let resource = "herald_HeraldAPI.resources/openapi.yaml"
        var directories = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        var candidates = directories.map { $0.appendingPathComponent(resource) }
        // A development checkout: the source file itself.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/openapi.yaml"))
        for candidate in candidates {
            if let text = try? String(contentsOf: candidate, encoding: .utf8) { return text }
        }
        return "openapi: 3.1.0\ninfo: {title: Herald, version: unknown, description: openapi.yaml was not installed}\npaths: {}\n"
    }()
}
