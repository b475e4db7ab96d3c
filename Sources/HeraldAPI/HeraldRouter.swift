import Foundation
import HeraldStore
import Hummingbird
import Metrics
import Prometheus

/// Builds Herald's HTTP API: every route, behind error mapping, authentication and idempotency.
public enum HeraldRouter {
    /// - Parameters:
    ///   - delivery: the engine behind the resend route (nil answers 503 there).
    ///   - events: where endpoint.created/updated/deleted go (nil publishes none).
    ///   - engine: the delivery engine whose state `GET /api/v1/health` reports (nil reports `disabled`).
    ///   - tasks: runs recover, replays, purges and usage statistics apart from their requests (nil runs them before
    ///     answering).
    ///   - tokenChanges: where other processes' token changes arrive, so the token cache forgets them at once.
    ///   - metrics: where the API's counters go (ingested messages, requests by route and status).
    ///   - prometheus: the registry `GET /metrics` renders (nil answers 404 there).
    public static func make(
        store: any Store,
        configuration: APIConfiguration,
        delivery: (any ManualDelivery)? = nil,
        events: OperationalEvents? = nil,
        engine: (any DeliveryEngineStatus)? = nil,
        tasks: BackgroundTaskRunner? = nil,
        tokenChanges: TokenChanges? = nil,
        metrics: any MetricsFactory = MetricsSystem.factory,
        prometheus: PrometheusCollectorRegistry? = nil
    ) -> Router<HeraldRequestContext> {
        let router = Router(context: HeraldRequestContext.self)
        let apiMetrics = APIMetrics(factory: metrics)
        // Outermost, so requests are counted with the status error mapping and authentication answered.
        router.add(middleware: RequestMetricsMiddleware(metrics: apiMetrics))
        router.add(middleware: ErrorMiddleware())
        let authenticator = TokenAuthenticator(
            store: store,
            adminToken: configuration.adminToken,
            cacheLifetime: configuration.tokenCacheLifetime
        )
        tokenChanges?.subscribe { [authenticator] changed in authenticator.forget { changed == nil || $0.id == changed } }
        router.add(middleware: AuthMiddleware(authenticator: authenticator, store: store))
        router.add(middleware: IdempotencyMiddleware(store: store, lifetime: configuration.idempotencyLifetime))
        ServiceRoutes(openAPISpec: openAPISpec, store: store, engine: engine).register(on: router)
        MetricsRoutes(registry: prometheus).register(on: router)
        ApplicationRoutes(store: store, configuration: configuration).register(on: router)
        EndpointRoutes(store: store, configuration: configuration, events: events).register(on: router)
        EndpointRoutes(
            store: store, configuration: configuration, events: events,
            owner: .operational(configuration.operationalApplication)
        ).register(on: router)
        let starter = BackgroundTaskStarter(runner: tasks, store: store, events: events)
        DeliveryRoutes(store: store, delivery: delivery, configuration: configuration, tasks: starter).register(on: router)
        EventTypeRoutes(store: store, configuration: configuration).register(on: router)
        EventTypeImportRoutes(store: store, configuration: configuration).register(on: router)
        EnvironmentRoutes(store: store, configuration: configuration).register(on: router)
        MessageRoutes(store: store, configuration: configuration, metrics: apiMetrics).register(on: router)
        MessageBulkRoutes(store: store, configuration: configuration, tasks: starter).register(on: router)
        AttemptRoutes(store: store).register(on: router)
        BackgroundTaskRoutes(store: store).register(on: router)
        StatisticsRoutes(store: store, configuration: configuration, tasks: starter).register(on: router)
        AuthRoutes(store: store, configuration: configuration, authenticator: authenticator).register(on: router)
        IntegrationRoutes(store: store, configuration: configuration, authenticator: authenticator).register(on: router)
        DestinationRoutes(store: store, configuration: configuration).register(on: router)
        PollerRoutes(store: store, configuration: configuration).register(on: router)
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
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/openapi.yaml"))
        for candidate in candidates {
            if let text = try? String(contentsOf: candidate, encoding: .utf8) { return text }
        }
        return "openapi: 3.1.0\ninfo: {title: Herald, version: unknown, description: openapi.yaml was not installed}\npaths: {}\n"
    }()
}

/// Herald's routes as the server calls them. The server's code is generic over the request context and runs
/// unspecialised, so Hummingbird's path lookup (a trie, all `@inlinable`) went through generic metadata lookups on
/// every request: about 8% of the request handlers' time. Called from here, with the context type known, the
/// lookup is compiled for ``HeraldRequestContext``.
public struct HeraldResponder: HTTPResponder {
    private let router: RouterResponder<HeraldRequestContext>

    public init(_ router: Router<HeraldRequestContext>) {
        self.router = router.buildResponder()
    }

    public func respond(to request: Request, context: HeraldRequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }
}
