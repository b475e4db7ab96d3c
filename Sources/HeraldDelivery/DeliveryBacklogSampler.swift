import Foundation
import HeraldStore
import Logging
import Metrics
import ServiceLifecycle

/// Samples the store's cluster-wide delivery backlog into gauges every `interval`, until graceful shutdown.
///
/// - `herald_delivery_queue_depth{state}`: unfinished deliveries, `due` now or `waiting` (retry, circuit, disabled).
/// - `herald_delivery_oldest_due_age_seconds`: how long the oldest due delivery has been due (0 when none is).
/// - `herald_endpoints_circuit_open`: endpoints whose circuit is open or half-open.
/// - `herald_endpoints_disabled`: disabled endpoints.
///
/// The numbers cover every instance sharing the store, so one instance's view is the whole cluster's. A failing
/// sample is logged and the gauges keep their last values until the next one succeeds.
public struct DeliveryBacklogSampler: Service, CustomStringConvertible {
    /// Its name in the service lifecycle's logs (the default would print every stored property).
    public var description: String { "DeliveryBacklogSampler" }
    private let store: any Store
    private let interval: Duration
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let due: Gauge
    private let waiting: Gauge
    private let oldestDueAge: Gauge
    private let openCircuits: Gauge
    private let disabledEndpoints: Gauge

    public init(
        store: any Store,
        interval: Duration = .seconds(15),
        metrics: any MetricsFactory,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.now = now
        due = Gauge(label: "herald_delivery_queue_depth", dimensions: [("state", "due")], factory: metrics)
        waiting = Gauge(label: "herald_delivery_queue_depth", dimensions: [("state", "waiting")], factory: metrics)
        oldestDueAge = Gauge(label: "herald_delivery_oldest_due_age_seconds", factory: metrics)
        openCircuits = Gauge(label: "herald_endpoints_circuit_open", factory: metrics)
        disabledEndpoints = Gauge(label: "herald_endpoints_disabled", factory: metrics)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sample()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Takes one sample; returns it, or nil when the store failed (which is logged).
    @discardableResult
    public func sample() async -> DeliveryBacklog? {
        let at = now()
        do {
            let backlog = try await store.deliveryBacklog(now: at)
            due.record(backlog.due)
            waiting.record(backlog.waiting)
            oldestDueAge.record(backlog.oldestDueAge(now: at))
            openCircuits.record(backlog.openCircuitEndpoints)
            disabledEndpoints.record(backlog.disabledEndpoints)
            return backlog
        } catch is CancellationError {
            return nil
        } catch {
            logger.warning("Sampling the delivery backlog failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
