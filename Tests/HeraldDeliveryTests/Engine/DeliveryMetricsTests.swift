import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Logging
import Prometheus
import ServiceLifecycle
import Testing
import WebhookSignature

extension DeliveryEngineTests {
    /// The engine's metrics after real deliveries to a loopback receiver, scraped from a registry of the test's own.
    @Suite struct DeliveryMetricsTests {
        @Test func attemptsDurationsAndFinishedDeliveriesAreCountedByOutcome() async throws {
            try await withMeteredEngine { engine in
                engine.receiver.on("/ok", reply: .ok)
                engine.receiver.on("/down", reply: .status(500))
                let ok = try await engine.makeEndpoint(url: engine.receiver.url("/ok"))
                let down = try await engine.makeEndpoint(url: engine.receiver.url("/down"))
                // Nothing listens on port 1: the connection is refused.
                let refused = try await engine.makeEndpoint(url: "http://127.0.0.1:1/hook")
                let message = try await engine.send()

                try await eventually("every delivery is final", timeout: .seconds(10)) {
                    let statuses = try await engine.statuses(of: message.id)
                    return statuses[ok.id] == .success && statuses[down.id] == .fail && statuses[refused.id] == .fail
                }
                let samples = PrometheusSample.parse(engine.registry.emitToString())
                let attempts = "herald_delivery_attempts_total"
                #expect(samples.value(attempts, ["outcome": "success", "error_kind": "none"]) == 1)
                // One retry each (the schedule has one delay), then the delivery is exhausted.
                #expect(samples.value(attempts, ["outcome": "failure", "error_kind": "http_status"]) == 2)
                #expect(samples.value(attempts, ["outcome": "failure", "error_kind": "connect_refused"]) == 2)
                #expect(samples.value(attempts, ["outcome": "failure", "error_kind": "timeout"]) == 0)
                #expect(samples.value("herald_deliveries_finished_total", ["result": "success"]) == 1)
                #expect(samples.value("herald_deliveries_finished_total", ["result": "exhausted"]) == 2)
                let durations = "herald_delivery_attempt_duration_seconds"
                #expect(samples.value(durations + "_count", ["outcome": "success"]) == 1)
                #expect(samples.value(durations + "_count", ["outcome": "failure"]) == 4)
                #expect((samples.value(durations + "_sum", ["outcome": "success"]) ?? 0) > 0)
                #expect(samples.value(durations + "_bucket", ["outcome": "success", "le": "+Inf"]) == 1)
                // Labels never name endpoints or messages.
                for id in [ok.id, down.id, refused.id, message.id] {
                    #expect(!engine.registry.emitToString().contains(id))
                }
            }
        }

        @Test func theSamplerPublishesTheStoresBacklog() async throws {
            // One failure opens the circuit; the retry waits a minute.
            try await withMeteredEngine(configure: {
                $0.retrySchedule = RetrySchedule(delays: [60])
                $0.circuit = CircuitBreaker.Configuration(failureThreshold: 1, cooldown: 30, maximumCooldown: 60)
            }) { engine in
                engine.receiver.on("/down", reply: .status(503))
                _ = try await engine.makeEndpoint(url: engine.receiver.url("/down"))
                _ = try await engine.makeEndpoint(url: engine.receiver.url("/off")) { $0.disabled = true }
                _ = try await engine.send()
                try await eventually("the failed delivery waits for its retry behind an open circuit") {
                    let backlog = try await engine.store.deliveryBacklog(now: Date())
                    return backlog.unfinished == 1 && backlog.due == 0 && backlog.openCircuitEndpoints == 1
                }
                let sampler = DeliveryBacklogSampler(store: engine.store, metrics: engine.factory, logger: quietLogger)
                let backlog = try #require(await sampler.sample())
                #expect(backlog.disabledEndpoints == 1)
                let samples = PrometheusSample.parse(engine.registry.emitToString())
                #expect(samples.value("herald_delivery_queue_depth", ["state": "waiting"]) == 1)
                #expect(samples.value("herald_delivery_queue_depth", ["state": "due"]) == 0)
                #expect(samples.value("herald_delivery_oldest_due_age_seconds") == 0)
                #expect(samples.value("herald_endpoints_disabled") == 1)
                #expect(samples.value("herald_endpoints_circuit_open") == 1)
                #expect(engine.receiver.count("/off") == 0)
            }
        }

        @Test func theSchedulerReportsWhetherItRuns() async throws {
            try await withMeteredEngine { engine in
                try await eventually("the engine runs") { engine.scheduler.isRunning }
                await engine.shutDownGracefully()
                try await eventually("the engine stops") { !engine.scheduler.isRunning }
            }
        }
    }
}

let quietLogger = Logger(label: "test-metrics", factory: { _ in SwiftLogNoOpLogHandler() })

/// A delivery engine counting into its own Prometheus registry, on a fresh SQLite file, with one application.
struct MeteredEngine: Sendable {
    let store: SQLiteStore
    let receiver: TestReceiver
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let scheduler: DeliveryScheduler
    let application: Application
    let serviceGroup: ServiceGroup

    func makeEndpoint(url: String, _ configure: (inout Endpoint) -> Void = { _ in }) async throws -> Endpoint {
        let now = Date()
        var endpoint = Endpoint(
            id: Identifier.make(prefix: Identifier.endpointPrefix, milliseconds: Int64(now.timeIntervalSince1970 * 1000)),
            applicationID: application.id,
            url: url,
            secrets: EndpointSecrets(current: WebhookSecret.generateHMAC().encoded),
            createdAt: now,
            updatedAt: now
        )
        configure(&endpoint)
        return try await store.insertEndpoint(endpoint)
    }

    func send() async throws -> Message {
        try await store.createMessage(
            application: application.id,
            NewMessage(eventType: "invoice.paid", payload: Array(#"{"n":1}"#.utf8)),
            now: Date()
        )
    }

    /// Each endpoint's delivery status for `message`.
    func statuses(of message: String) async throws -> [String: DeliveryStatus] {
        let page = try await store.messageDestinations(
            application: application.id,
            message: message,
            PageRequest(limit: PageRequest.maximumLimit, order: .ascending)
        )
        return Dictionary(uniqueKeysWithValues: page.items.map { ($0.endpoint.id, $0.delivery.status) })
    }

    func shutDownGracefully() async {
        await serviceGroup.triggerGracefulShutdown()
    }
}

/// Runs `body` with a running ``MeteredEngine``; by default it retries once after 50 ms, then gives up.
func withMeteredEngine(
    configure: (inout DeliveryConfiguration) -> Void = { _ in },
    _ body: (MeteredEngine) async throws -> Void
) async throws {
    try await withTestReceiver { receiver in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let now = Date()
        let application = try await store.insertApplication(
            Application(
                id: Identifier.make(prefix: Identifier.applicationPrefix, milliseconds: Int64(now.timeIntervalSince1970 * 1000)),
                name: "Acme",
                createdAt: now,
                updatedAt: now
            )
        )
        var configuration = DeliveryHarness.testConfiguration
        configuration.retrySchedule = RetrySchedule(delays: [0.05])
        configure(&configuration)
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let scheduler = DeliveryScheduler(
            store: store,
            configuration: configuration,
            logger: DeliveryHarness.logger,
            metrics: factory
        )
        let serviceGroup = ServiceGroup(configuration: .init(services: [scheduler], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            let engine = MeteredEngine(
                store: store,
                receiver: receiver,
                registry: registry,
                factory: factory,
                scheduler: scheduler,
                application: application,
                serviceGroup: serviceGroup
            )
            try await body(engine)
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
