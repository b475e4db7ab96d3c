import ArgumentParser
import Foundation
import HeraldAPI
import HeraldDelivery
import HeraldStore
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus

/// `herald serve`: the HTTP API, the delivery engine and the store's upkeep in one process.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Herald service.",
        discussion: """
            Every setting is a flag, a HERALD_* environment variable and a key of the config file (--config); \
            `herald config reference` lists them and `herald config check` validates a configuration.
            """
    )

    @OptionGroup var options: ServeOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let values = try store.settings(adding: options.flagValues)
        let settings = try HeraldConfiguration(values)
        LogSetup.bootstrap(level: settings.logs.level, format: settings.logs.format)
        let logger = Logger(label: "herald")
        for name in values.unknownEnvironmentNames {
            logger.warning("Ignoring an environment variable that names no setting", metadata: ["variable": "\(name)"])
        }
        let registry = PrometheusCollectorRegistry()
        let metrics = Self.metricsFactory(registry: registry, requestTimeout: settings.delivery.requestTimeout)
        MetricsSystem.bootstrap(metrics)

        try await self.store.withStore(values, logger: logger) { opened in
            try await serve(opened, settings: settings, values: values, metrics: metrics, registry: registry, logger: logger)
        }
    }

    private func serve(
        _ opened: OpenedStore,
        settings: HeraldConfiguration,
        values: SettingValues,
        metrics: PrometheusMetricsFactory,
        registry: PrometheusCollectorRegistry,
        logger: Logger
    ) async throws {
        let store = MeteredStore(opened.store, metrics: metrics)
        let adminToken = settings.server.adminToken
        if adminToken == nil, try await store.tokenCount() == 0 {
            let token = try await TokenIssuer.issue(name: "initial", store: store)
            // Written straight to the descriptor: `print` leaves text in stdio's buffer while stdout is a pipe or a
            // file (systemd, docker, `> herald.log`), where the token would show only when the process exits.
            let notice = """
                Created API token: \(token)
                Keep it safe: it is shown only once. Make more with `herald token create`.

                """
            do {
                try FileHandle.standardOutput.write(contentsOf: Data(notice.utf8))
            } catch {
                logger.warning(
                    "Could not print the API token created at first start; make one with `herald token create`",
                    metadata: ["error": "\(error)"])
            }
        }

        var delivery = settings.delivery
        delivery.instanceID = try self.store.instanceID(values)
        let scheduler =
            settings.deliveryEnabled
            ? DeliveryScheduler(store: store, configuration: delivery, logger: logger, metrics: metrics) : nil
        if scheduler != nil, let proxy = delivery.outboundProxy {
            logger.info("Deliveries go through an outbound proxy", metadata: ["proxy": "\(proxy)"])
        }
        let tokenChanges = TokenChanges()
        let events = OperationalEvents(store: store, application: delivery.operationalApplication, logger: logger)
        let tasks = BackgroundTaskRunner(store: store, events: events, logger: logger)
        let router = HeraldRouter.make(
            store: store,
            configuration: APIConfiguration(
                maximumBodyBytes: settings.server.maximumBodyBytes,
                adminToken: adminToken,
                appPortalURL: settings.server.appPortalURL,
                operationalApplication: delivery.operationalApplication ?? OperationalEvents.defaultApplication
            ),
            delivery: scheduler,
            events: events,
            engine: scheduler,
            tasks: tasks,
            tokenChanges: tokenChanges,
            metrics: metrics,
            prometheus: registry
        )
        let host = settings.server.host
        let port = settings.server.port
        var app = Application(
            responder: HeraldResponder(router),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        ExpectContinueHandler(maximumBodyBytes: settings.server.maximumBodyBytes)
                    ],
                    // Without it a client could hold connections (and file descriptors) open forever.
                    idleTimeout: .milliseconds(Int64(settings.server.idleTimeout * 1000))
                )
            ),
            configuration: .init(address: .hostname(host, port: port), serverName: "Herald/\(Herald.version)"),
            onServerRunning: { _ in
                FileHandle.standardError.write(Data("Herald listening on http://\(host):\(port) (\(opened.location))\n".utf8))
            },
            logger: logger
        )
        switch opened {
        case .sqlite(let sqlite):
            app.addServices(StoreMaintenance(checkpointer: try SQLiteCheckpointer(store: sqlite, logger: logger)))
        case .postgres(let postgres):
            if let scheduler { app.addServices(WorkListener(store: postgres, scheduler: scheduler)) }
        }
        app.addServices(TokenChangeListener(store: opened, changes: tokenChanges, logger: logger))
        if let scheduler { app.addServices(scheduler) }
        app.addServices(BackgroundTasks(runner: tasks))
        app.addServices(DeliveryBacklogSampler(store: store, metrics: metrics, logger: logger))
        app.addServices(
            RetentionPruner(
                store: store,
                configuration: .init(
                    attemptRetention: settings.retention.attemptRetention,
                    interval: .milliseconds(Int64(settings.retention.pruneInterval * 1000))
                ),
                logger: logger
            )
        )
        do {
            try await app.runService()
        } catch let error as IOError {
            // NIO's own description reads "bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)".
            throw CommandFailure("cannot serve on \(host):\(port): \(String(cString: strerror(error.errnoCode)))")
        } catch {
            throw CommandFailure("cannot serve on \(host):\(port): \(error)")
        }
    }

    /// Prometheus metrics, with attempt-duration buckets that reach the request timeout.
    static func metricsFactory(registry: PrometheusCollectorRegistry, requestTimeout: TimeInterval)
        -> PrometheusMetricsFactory
    {
        var factory = PrometheusMetricsFactory(registry: registry)
        let limit = Duration.milliseconds(Int64(requestTimeout * 1000))
        var buckets: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ].filter { $0 < limit }
        buckets.append(limit)
        factory.durationHistogramBuckets["herald_delivery_attempt_duration_seconds"] = buckets
        return factory
    }
}
