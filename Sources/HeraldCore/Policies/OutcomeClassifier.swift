import Foundation

/// Decides what an attempt's result means: success, a failure to retry (perhaps after a requested delay), or gone.
public enum OutcomeClassifier {
    /// - 2xx: success; 410: gone.
    /// - 429 or 503 with a readable `Retry-After`: failure, retrying after that delay capped at `maximumRetryAfter`.
    /// - Any error kind, and every other status (1xx, redirects, which are never followed, other 4xx and 5xx): failure.
    public static func classify(
        _ result: AttemptResult,
        now: Date,
        maximumRetryAfter: TimeInterval
    ) -> OutcomeClassification {
        if result.errorKind != nil { return .failure(retryAfter: nil) }
        switch result.statusCode {
        case 200...299:
            return .success
        case 410:
            return .gone
        case 429, 503:
            let retryAfter = result.retryAfterHeader.flatMap {
                RetryAfter.delay(fromHeader: $0, now: now, maximum: maximumRetryAfter)
            }
            return .failure(retryAfter: retryAfter)
        default:
            return .failure(retryAfter: nil)
        }
    }
}
