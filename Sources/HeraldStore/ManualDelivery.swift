import HeraldCore

/// Sends a message to an endpoint now, outside its schedule: what the API's resend route needs from the
/// delivery engine (only `HeraldDelivery` makes outbound calls).
public protocol ManualDelivery: Sendable {
    /// Makes one attempt now (trigger `manual`), records it and returns it.
    func resend(application: String, message: String, endpoint: String) async throws -> Attempt
}
