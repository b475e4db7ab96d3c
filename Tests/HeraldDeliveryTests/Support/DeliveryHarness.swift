import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Logging
import ServiceLifecycle
import Synchronization
import WebhookSignature

/// A running delivery engine on a fresh SQLite file in a temporary directory, with one application, delivering to
/// a ``TestReceiver`` on loopback. Everything is torn down when ``run(configure:_:)`` returns.
final class DeliveryHarness: Sendable {
    let store: SQLiteStore
    let receiver: TestReceiver
    let scheduler: DeliveryScheduler
    let configuration: DeliveryConfiguration
    let application: Application
    private let serviceGroup: ServiceGroup
    private let stopped: AsyncStream<Never>
    private let kill: AsyncStream<Never>.Continuation
    private let lastMessageAt = Mutex(Date.distantPast)

    /// Settings scaled down for tests: loopback allowed, millisecond retries, fast polling, short timeouts.
    static var testConfiguration: DeliveryConfiguration {
        var configuration = DeliveryConfiguration()
        configuration.addressPolicy = try! AddressPolicy(parsingAllowedNetworks: "127.0.0.0/8")
        configuration.pollInterval = 0.02
        configuration.retrySchedule = RetrySchedule(delays: [0.05, 0.1])
        configuration.requestTimeout = 2
        configuration.endpointConcurrency = 4
        configuration.shutdownGracePeriod = 1
        configuration.circuit = CircuitBreaker.Configuration(failureThreshold: 5, cooldown: 0.5, maximumCooldown: 1)
        return configuration
    }

    /// The scheduler's errors go to standard error, so a failing test shows them.
    static let logger: Logger = {
        var logger = Logger(label: "herald-delivery-test", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` against a new engine, store and receiver; `configure` adjusts ``testConfiguration``.
    static func run<T>(
        configure: (inout DeliveryConfiguration) -> Void = { _ in },
        _ body: (DeliveryHarness) async throws -> T
    ) async throws -> T {
        try await withTestReceiver { receiver in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-delivery-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
            let now = Date()
            let application = try await store.insertApplication(
                Application(
                    id: Identifier.make(
                        prefix: Identifier.applicationPrefix, milliseconds: Int64(now.timeIntervalSince1970 * 1000)),
                    name: "Acme",
                    createdAt: now,
                    updatedAt: now
                )
            )
            var configuration = testConfiguration
            configure(&configuration)
            let scheduler = DeliveryScheduler(store: store, configuration: configuration, logger: logger)
            let serviceGroup = ServiceGroup(configuration: .init(services: [scheduler], logger: quietLogger))
            let (stopped, stop) = AsyncStream.makeStream(of: Never.self)
            let (killed, kill) = AsyncStream.makeStream(of: Never.self)
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    defer { stop.finish() }
                    // Runs until the engine stops by itself (graceful shutdown) or is killed.
                    try await withThrowingTaskGroup(of: Void.self) { engine in
                        engine.addTask { try await serviceGroup.run() }
                        engine.addTask { for await _ in killed {} }
                        _ = try await engine.next()
                        engine.cancelAll()
                    }
                }
                defer { tasks.cancelAll() }
                let harness = DeliveryHarness(
                    store: store,
                    receiver: receiver,
                    scheduler: scheduler,
                    configuration: configuration,
                    application: application,
                    serviceGroup: serviceGroup,
                    stopped: stopped,
                    kill: kill
                )
                return try await body(harness)
            }
        }
    }

    static let quietLogger = Logger(label: "test-services", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(
        store: SQLiteStore,
        receiver: TestReceiver,
        scheduler: DeliveryScheduler,
        configuration: DeliveryConfiguration,
        application: Application,
        serviceGroup: ServiceGroup,
        stopped: AsyncStream<Never>,
        kill: AsyncStream<Never>.Continuation
    ) {
        self.store = store
        self.receiver = receiver
        self.scheduler = scheduler
        self.configuration = configuration
        self.application = application
        self.serviceGroup = serviceGroup
        self.stopped = stopped
        self.kill = kill
    }

    /// Asks the engine to shut down gracefully and waits until it has.
    func shutDownGracefully() async {
        await serviceGroup.triggerGracefulShutdown()
        for await _ in stopped {}
    }

    /// Stops the engine the way a crash would, as far as the store can tell: it is cancelled, so nothing in flight
    /// is recorded and nothing leased is given back.
    func stopAbruptly() async {
        kill.finish()
        for await _ in stopped {}
    }

    /// Runs a second engine on the same store for the duration of `body`, as another instance or a restart would.
    func withAnotherEngine<T>(
        configure: (inout DeliveryConfiguration) -> Void = { _ in },
        _ body: (DeliveryScheduler) async throws -> T
    ) async throws -> T {
        var configuration = Self.testConfiguration
        configure(&configuration)
        let scheduler = DeliveryScheduler(store: store, configuration: configuration, logger: Self.logger)
        let serviceGroup = ServiceGroup(configuration: .init(services: [scheduler], logger: Self.quietLogger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await serviceGroup.run() }
            defer { tasks.cancelAll() }
            return try await body(scheduler)
        }
    }

    // MARK: Arranging

    /// Stores an endpoint of the application that delivers to `path` on the receiver.
    func makeEndpoint(path: String, _ configure: (inout Endpoint) -> Void = { _ in }) async throws -> Endpoint {
        try await makeEndpoint(url: receiver.url(path), configure)
    }

    /// Stores an endpoint of the application that delivers to `url`, with a fresh HMAC secret.
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

    /// Creates a message, as ingest does; its deliveries go to the running scheduler in memory.
    ///
    /// Each message is stamped at least a millisecond after the previous one, so message ids (which sort by
    /// millisecond, then randomly) follow creation order.
    @discardableResult
    func send(_ payload: String = #"{"n":1}"#, eventType: String = "invoice.paid") async throws -> Message {
        let now = lastMessageAt.withLock { last in
            last = max(Date(), last.addingTimeInterval(0.001))
            return last
        }
        return try await store.createMessage(
            application: application.id,
            NewMessage(eventType: eventType, payload: Array(payload.utf8)),
            now: now
        )
    }

    /// Creates `count` messages one after the other; the payload of the i-th (from 1) is `{"n":i}`.
    func send(count: Int) async throws -> [Message] {
        var messages: [Message] = []
        for n in 1...count { messages.append(try await send(#"{"n":\#(n)}"#)) }
        return messages
    }

    /// Creates `count` messages at once (their order is not defined); payloads are `{"n":i}`.
    func sendConcurrently(count: Int) async throws -> [Message] {
        try await withThrowingTaskGroup(of: Message.self) { group in
            for n in 1...count {
                group.addTask {
                    try await self.store.createMessage(
                        application: self.application.id,
                        NewMessage(eventType: "invoice.paid", payload: Array(#"{"n":\#(n)}"#.utf8)),
                        now: Date()
                    )
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    // MARK: Observing

    /// The recorded attempts, oldest first, optionally only those to `endpoint` or of `message`.
    func attempts(endpoint: String? = nil, message: String? = nil) async throws -> [Attempt] {
        var attempts: [Attempt] = []
        var cursor: String?
        while true {
            let page = try await store.attempts(
                application: application.id,
                filter: AttemptFilter(endpoint: endpoint, message: message),
                PageRequest(limit: PageRequest.maximumLimit, cursor: cursor, order: .ascending)
            )
            attempts += page.items
            guard !page.done, let next = page.iterator else { break }
            cursor = next
        }
        return attempts.sorted { ($0.createdAt, $0.attemptNumber) < ($1.createdAt, $1.attemptNumber) }
    }

    /// The delivery of `message` to `endpoint`.
    func delivery(of message: String, to endpoint: String) async throws -> Delivery? {
        let page = try await store.messageDestinations(
            application: application.id,
            message: message,
            PageRequest(limit: PageRequest.maximumLimit, order: .ascending)
        )
        return page.items.first { $0.endpoint.id == endpoint }?.delivery
    }

    /// The endpoint as stored now (circuit state, disabled).
    func storedEndpoint(_ endpoint: String) async throws -> Endpoint {
        try await store.endpoint(application: application.id, endpoint)
    }

    /// The endpoint's deliveries counted by status.
    func stats(_ endpoint: String) async throws -> DeliveryStats {
        try await store.endpointStats(application: application.id, endpoint: endpoint, since: nil, until: nil)
    }
}

extension Array where Element == ReceivedRequest {
    /// Seconds from the arrival of `self[from]` to that of `self[to]`.
    func seconds(from: Int, to: Int) -> Double {
        (self[to].arrivedAt - self[from].arrivedAt).seconds
    }
}
