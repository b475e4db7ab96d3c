import CoreMetrics
import HeraldCore

/// The delivery engine's counters and histogram. Every label value comes from a fixed set, so the number of
/// series never grows with endpoints, applications or messages.
///
/// - `herald_delivery_attempts_total{outcome, error_kind}`: `outcome` is `success` or `failure`; `error_kind` is
///   `none` for successes, `http_status` for a non-2xx answer, else an ``AttemptErrorKind`` or `payload_expired`.
/// - `herald_delivery_attempt_duration_seconds{outcome}`: how long attempts took.
/// - `herald_deliveries_finished_total{result}`: deliveries that reached a final state, `success` or `exhausted`
///   (retries used up, endpoint gone, or payload expired).
struct DeliveryMetrics: Sendable {
    /// The `error_kind` values of failed attempts.
    static let failureKinds = ["http_status", "payload_expired"] + AttemptErrorKind.allCases.map(\.rawValue)

    private let attempts: [String: Counter]
    private let durations: (success: CoreMetrics.Timer, failure: CoreMetrics.Timer)
    private let finished: (success: Counter, exhausted: Counter)

    /// Creates every series up front (at zero), so rates and alerts have a baseline from the first scrape.
    init(factory: any MetricsFactory) {
        func attemptCounter(_ outcome: String, _ kind: String) -> Counter {
            Counter(
                label: "herald_delivery_attempts_total",
                dimensions: [("outcome", outcome), ("error_kind", kind)],
                factory: factory
            )
        }
        var attempts = ["success/none": attemptCounter("success", "none")]
        for kind in Self.failureKinds { attempts["failure/\(kind)"] = attemptCounter("failure", kind) }
        self.attempts = attempts
        func timer(_ outcome: String) -> CoreMetrics.Timer {
            CoreMetrics.Timer(
                label: "herald_delivery_attempt_duration_seconds",
                dimensions: [("outcome", outcome)],
                factory: factory
            )
        }
        durations = (timer("success"), timer("failure"))
        func finishedCounter(_ result: String) -> Counter {
            Counter(label: "herald_deliveries_finished_total", dimensions: [("result", result)], factory: factory)
        }
        finished = (finishedCounter("success"), finishedCounter("exhausted"))
    }

    /// Counts one attempt and records its duration.
    func recordAttempt(_ result: Dispatcher.Result, succeeded: Bool) {
        let seconds = max(0, result.duration)
        if succeeded {
            attempts["success/none"]?.increment()
            durations.success.recordSeconds(seconds)
        } else {
            let kind = result.errorKind ?? "http_status"
            (attempts["failure/\(kind)"] ?? attempts["failure/other"])?.increment()
            durations.failure.recordSeconds(seconds)
        }
    }

    /// Counts a delivery that reached its final state.
    func recordFinished(succeeded: Bool) {
        (succeeded ? finished.success : finished.exhausted).increment()
    }
}
