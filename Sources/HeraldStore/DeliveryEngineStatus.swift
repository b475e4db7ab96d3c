/// What the health check asks of the delivery engine; the API sees only this (only `HeraldDelivery` runs it).
public protocol DeliveryEngineStatus: Sendable {
    /// True while the engine's loop runs: it has started and is neither shutting down nor stopped.
    var isRunning: Bool { get }
}
