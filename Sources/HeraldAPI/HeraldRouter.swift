import Foundation
import HeraldStore
import Hummingbird

/// Builds Herald's HTTP API: every route, behind error mapping, authentication and idempotency.
public enum HeraldRouter {
    public static func make(store: any Store, configuration: APIConfiguration) -> Router<HeraldRequestContext> {
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
        EndpointRoutes(store: store, configuration: configuration).register(on: router)
        EventTypeRoutes(store: store, configuration: configuration).register(on: router)
        MessageRoutes(store: store, configuration: configuration).register(on: router)
        AttemptRoutes(store: store).register(on: router)
        return router
    }

    /// The OpenAPI document (`Schemas/openapi.yaml`), shipped as a resource of this module.
    public static let openAPISpec: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.1.0\ninfo: {title: Herald, version: unknown}\npaths: {}\n" }
        return text
    }()
}
