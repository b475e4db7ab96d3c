import Foundation
import HeraldCore
import HeraldStore

extension DeliveryScheduler: ManualDelivery {
    public func resend(application: String, message: String, endpoint: String) async throws -> Attempt {
        let startedAt = now()
        let (endpoint, task) = try await store.deliveryForResend(
            application: application,
            message: message,
            endpoint: endpoint,
            now: startedAt
        )
        let result = await dispatcher.send(task, to: endpoint, at: startedAt)
        let classification = result.classification(now: now(), maximumRetryAfter: configuration.maximumRetryAfter)
        // Counted as an attempt; not as a finished delivery (a resend can repeat one that already finished).
        metrics.recordAttempt(result, succeeded: classification == .success)
        let attempt = result.attempt(
            of: task,
            url: endpoint.url,
            succeeded: classification == .success,
            trigger: .manual,
            startedAt: startedAt
        )
        var outcomes = DeliveryOutcomes()
        outcomes.attempts = [.init(attempt: attempt, next: classification == .success ? .succeeded : .unchanged)]
        try await store.recordOutcomes(outcomes, now: now())
        return attempt
    }
}
