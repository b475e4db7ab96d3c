import Foundation
import HeraldCore
import HeraldStore
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Delivers every due delivery: takes fresh ones from ingest in memory and due ones (retries, expired leases)
/// from the store, keeps per-endpoint lanes with their limits, dispatches, and records outcomes in batches.
///
/// All scheduling state belongs to one loop over an event stream, so it needs no locks; dispatches, store
/// calls and timers are child tasks that report back as events. A graceful shutdown stops taking work, lets
/// in-flight attempts finish (up to a bound), records them and gives the rest back to the store.
public final class DeliveryScheduler: Service, Sendable {
    enum Event: Sendable {
        case fresh([DeliveryTask])
        case leased([DeliveryTask])
        /// A lease query finished; `full` when it returned as many rows as asked (more may be due).
        case leaseDone(full: Bool)
        case fifoCandidates([String])
        case refilled(endpointID: String, [DeliveryTask])
        case loaded(endpointID: String, Endpoint, EndpointDeliveryState)
        case loadFailed(endpointID: String, gone: Bool)
        case attempted(DeliveryTask, Dispatcher.Result, startedAt: Date)
        /// A batch of outcomes was written; its deliveries may be taken again.
        case flushed([DeliveryKey], unfinishedDeferrals: [(endpointID: String, until: Date)])
        case endpointChanged(EndpointChange)
        /// A renewal of this instance's leases and endpoint holds finished.
        case renewed
        case tick
        case wake(endpointID: String)
        case shutdown
        case graceOver
    }

    let store: any Store
    let configuration: DeliveryConfiguration
    let dispatcher: Dispatcher
    let client: OutboundClient
    let events: OperationalEvents
    let logger: Logger
    let metrics: DeliveryMetrics
    let now: @Sendable () -> Date
    /// Whether the loop runs (for health checks): set when `run` starts, cleared at shutdown.
    private let running = Mutex(false)
    /// Endpoints whose circuit is open, with the time it lets a probe through: ingest writes their new
    /// deliveries pending until then (see ``IngestHandoff/deferredUntil``). Written by the loop only.
    let deferrals = EndpointDeferrals()
    private let stream: AsyncStream<Event>
    private let input: AsyncStream<Event>.Continuation

    /// - Parameter metrics: where attempt and delivery metrics go (see ``DeliveryMetrics``); tests pass their own.
    public init(
        store: any Store,
        configuration: DeliveryConfiguration,
        logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.metrics = DeliveryMetrics(factory: metrics)
        self.now = now
        client = OutboundClient(
            connectTimeout: .milliseconds(Int64(min(configuration.requestTimeout, 10) * 1000)),
            proxy: configuration.outboundProxy)
        let resolutions = ResolutionCache(resolver: AddressGuard.systemResolver)
        dispatcher = Dispatcher(
            configuration: configuration,
            client: client,
            addressGuard: AddressGuard(
                policy: configuration.addressPolicy,
                resolver: resolutions.resolve,
                remembered: resolutions.remembered
            )
        )
        events = OperationalEvents(store: store, application: configuration.operationalApplication, logger: logger)
        (stream, input) = AsyncStream.makeStream(of: Event.self)
    }

    public func run() async throws {
        let input = self.input
        running.withLock { $0 = true }
        defer { running.withLock { $0 = false } }
        let reclaimed = try await store.releaseLeases(owner: configuration.instanceID, now: now())
        if reclaimed > 0 {
            logger.info("Took back deliveries this instance held when it stopped", metadata: ["deliveries": "\(reclaimed)"])
        }
        store.installIngestHandoff(
            IngestHandoff(
                owner: configuration.instanceID,
                leaseDuration: configuration.leaseDuration,
                deliver: { tasks in input.yield(.fresh(tasks)) },
                endpointChanged: { change in input.yield(.endpointChanged(change)) },
                deferredUntil: { [deferrals] endpointID in deferrals.until(endpointID) }
            )
        )
        defer { store.installIngestHandoff(nil) }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var state = SchedulerState(scheduler: self)
                group.addTask { await self.ticks() }
                input.yield(.tick)
                for await event in self.stream {
                    if await state.handle(event, &group) { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.running.withLock { $0 = false }
            input.yield(.shutdown)
        }
        await client.shutdown()
    }

    /// Tells the loop to look for due work every poll interval.
    private func ticks() async {
        let interval = Duration.milliseconds(Int64(configuration.pollInterval * 1000))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            input.yield(.tick)
        }
    }

    /// Looks for due work in the store now instead of at the next poll (another instance committed some).
    public func wake() {
        input.yield(.tick)
    }

    func send(_ event: Event) {
        input.yield(event)
    }
}

extension DeliveryScheduler: DeliveryEngineStatus {
    public var isRunning: Bool { running.withLock { $0 } }
}

/// Endpoints whose circuit is open, with the time it lets a probe through, shared between the loop (which writes)
/// and ingest (which reads, inside its transaction).
final class EndpointDeferrals: Sendable {
    private let entries = Mutex<[String: Date]>([:])

    func until(_ endpointID: String) -> Date? {
        entries.withLock { $0[endpointID] }
    }

    func set(_ endpointID: String, until: Date) {
        entries.withLock { $0[endpointID] = until }
    }

    func remove(_ endpointID: String) {
        entries.withLock { _ = $0.removeValue(forKey: endpointID) }
    }
}
