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
        let classification = OutcomeClassifier.classify(
            AttemptResult(
                statusCode: result.statusCode,
                errorKind: result.errorKind.map { AttemptErrorKind(rawValue: $0) ?? .other },
                retryAfterHeader: result.retryAfter
            ),
            now: now(),
            maximumRetryAfter: configuration.maximumRetryAfter
        )
        let attempt = Attempt(
            id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: Int64(startedAt.timeIntervalSince1970 * 1000)),
            messageID: task.messageID,
            endpointID: task.endpointID,
            applicationID: task.applicationID,
            url: endpoint.url,
            status: classification == .success ? .success : .fail,
            responseStatusCode: result.statusCode,
            response: result.response,
            durationMilliseconds: Int((result.duration * 1000).rounded()),
            trigger: .manual,
            errorKind: result.errorKind,
            attemptNumber: task.attemptCount + 1,
            createdAt: startedAt
        )
        var outcomes = DeliveryOutcomes()
        outcomes.attempts = [.init(attempt: attempt, next: classification == .success ? .succeeded : .unchanged)]
        try await store.recordOutcomes(outcomes, now: now())
        return attempt
    }
}
