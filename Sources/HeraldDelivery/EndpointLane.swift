import Foundation
import HeraldCore
import HeraldStore

/// One endpoint's share of the scheduler: its queue, what it has in flight, and its limits.
/// A slow endpoint fills only its own lane; others keep flowing.
struct EndpointLane {
    /// The endpoint's settings; nil while they load.
    var endpoint: Endpoint?
    var loadedAt: Date
    var queue = TaskQueue()
    var inFlight: [DeliveryKey: DeliveryTask] = [:]
    var breaker: CircuitBreaker
    var health = EndpointHealth()
    var bucket: TokenBucket?
    /// A wake-up already scheduled for this lane (rate limit, FIFO head, open circuit).
    var wakeAt: Date?
    /// The circuit-open deferral already written, so it is written once per opening.
    var deferredUntil: Date?
    /// The state last written to the store: circuit state and whether the endpoint was failing.
    var persisted: (circuit: CircuitBreaker.State, failing: Bool) = (.closed, false)
    /// A FIFO refill from the store is under way.
    var refilling = false
    /// Deliveries of this lane whose outcome was written while a refill was under way: the refill may have read
    /// them before that write (a FIFO refill includes this process's own leases), so it must not queue them again.
    var settledDuringRefill: Set<DeliveryKey> = []
    var lastActive: Date

    init(now: Date, circuit: CircuitBreaker.Configuration) {
        loadedAt = now
        lastActive = now
        breaker = CircuitBreaker(configuration: circuit)
    }

    var fifo: Bool { endpoint?.fifo ?? false }
    var isIdle: Bool { queue.isEmpty && inFlight.isEmpty }

    /// Queues `task`; FIFO lanes keep message order (ids are time-ordered).
    mutating func enqueue(_ task: DeliveryTask) {
        if fifo {
            queue.insertInMessageOrder(task)
        } else {
            queue.append(task)
        }
    }

    /// Applies freshly loaded settings.
    mutating func load(_ endpoint: Endpoint, state: EndpointDeliveryState?, now: Date) {
        if self.endpoint?.disabled == true, !endpoint.disabled {
            breaker = CircuitBreaker(configuration: breaker.configuration)
            health = EndpointHealth()
            persisted = (.closed, false)
            deferredUntil = nil
        }
        if self.endpoint == nil, let state {
            if let circuit = state.circuit { breaker = circuit }
            if let health = state.health { self.health = health }
            persisted = (breaker.observableState, health.failingSince != nil)
        }
        self.endpoint = endpoint
        loadedAt = now
        if let rate = endpoint.throttleRate, rate > 0 {
            if bucket == nil {
                bucket = TokenBucket(ratePerSecond: Double(rate), now: now)
            } else {
                bucket?.setRate(Double(rate), now: now)
            }
        } else {
            bucket = nil
        }
    }
}
