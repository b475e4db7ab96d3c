import Foundation
import HeraldCore

/// What the delivery engine writes back in one batch: attempts with the next state of their deliveries,
/// deliveries given back unattempted, and endpoint state changes.
public struct DeliveryOutcomes: Sendable {
    /// An attempt and what it means for its delivery.
    public struct Recorded: Sendable {
        public enum Next: Sendable, Hashable {
            /// Delivered: the delivery is done.
            case succeeded
            /// Failed; try again at this time.
            case retry(at: Date)
            /// Failed for good (retries exhausted, endpoint gone, payload expired).
            case failed
            /// A manual attempt that failed: the delivery keeps the state it had.
            case unchanged
        }

        public var attempt: Attempt
        public var next: Next

        public init(attempt: Attempt, next: Next) {
            self.attempt = attempt
            self.next = next
        }
    }

    /// An endpoint's delivery state as the scheduler last saw it.
    public struct EndpointState: Sendable {
        public var endpointID: String
        public var circuit: CircuitBreaker
        public var health: EndpointHealth
        /// Disable the endpoint (410 Gone, or failing for too long).
        public var disable: Bool

        public init(endpointID: String, circuit: CircuitBreaker, health: EndpointHealth, disable: Bool = false) {
            self.endpointID = endpointID
            self.circuit = circuit
            self.health = health
            self.disable = disable
        }
    }

    public var attempts: [Recorded] = []
    /// Deliveries handed back without an attempt, due again at the given time (shutdown, open circuit, full lane).
    public var releases: [(key: DeliveryKey, at: Date)] = []
    /// Every pending delivery of these endpoints waits until at least the given time (their circuit opened).
    /// Done in chunks of ``deferralChunk`` rows per batch, so a large backlog never makes one long transaction.
    public var deferredEndpoints: [(endpointID: String, until: Date)] = []
    public static let deferralChunk = 2000
    public var endpointStates: [EndpointState] = []
    /// Operational events to publish once the batch is recorded.
    public var operational: [OperationalEvent] = []

    public init() {}

    public var isEmpty: Bool {
        attempts.isEmpty && releases.isEmpty && deferredEndpoints.isEmpty && endpointStates.isEmpty && operational.isEmpty
    }
}

/// An endpoint's persisted delivery state, loaded when its lane starts.
public struct EndpointDeliveryState: Sendable {
    public var circuit: CircuitBreaker?
    public var health: EndpointHealth?

    public init(circuit: CircuitBreaker?, health: EndpointHealth?) {
        self.circuit = circuit
        self.health = health
    }
}
