import Foundation
import HeraldCore

extension Dispatcher.Result {
    /// What the attempt means for its delivery (success, retry or endpoint gone).
    func classification(now: Date, maximumRetryAfter: TimeInterval) -> OutcomeClassification {
        OutcomeClassifier.classify(
            AttemptResult(
                statusCode: statusCode,
                errorKind: errorKind.map { AttemptErrorKind(rawValue: $0) ?? .other },
                retryAfterHeader: retryAfter
            ),
            now: now,
            maximumRetryAfter: maximumRetryAfter
        )
    }

    /// The audit record of this attempt of `task`.
    func attempt(
        of task: DeliveryTask,
        url: String,
        succeeded: Bool,
        trigger: AttemptTrigger,
        startedAt: Date
    ) -> Attempt {
        Attempt(
            id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: startedAt.millisecondsSince1970),
            messageID: task.messageID,
            endpointID: task.endpointID,
            applicationID: task.applicationID,
            url: url,
            status: succeeded ? .success : .fail,
            responseStatusCode: statusCode,
            response: response,
            durationMilliseconds: Int((duration * 1000).rounded()),
            trigger: trigger,
            errorKind: errorKind,
            attemptNumber: task.attemptCount + 1,
            createdAt: startedAt
        )
    }
}
