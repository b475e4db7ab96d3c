import CoreMetrics
import HTTPTypes
import Synchronization

/// The API's instruments. Labels are route templates, methods and status codes: fixed sets, never raw paths.
///
/// - `herald_messages_ingested_total`: messages accepted (202) by `POST /api/v1/app/{app_id}/msg`.
/// - `herald_api_requests_total{method, route, status}`: every answered request; `route` is the matched template
///   (`/api/v1/app/{app_id}/msg`) or `unmatched`.
/// - `herald_api_request_duration_seconds{method, route}`: time to produce the response.
final class APIMetrics: Sendable {
    /// Methods kept as they are in labels; any other method is counted as `other`.
    static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    let ingested: Counter
    private let factory: any MetricsFactory
    private let requests = Mutex<[RequestKey: Counter]>([:])
    private let durations = Mutex<[RouteKey: CoreMetrics.Timer]>([:])

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    init(factory: any MetricsFactory) {
        self.factory = factory
        ingested = Counter(label: "herald_messages_ingested_total", factory: factory)
    }

    /// Counts one answered request and records how long it took.
    func recordRequest(method: HTTPRequest.Method, route: String?, status: Int, duration: Duration) {
        let method = Self.knownMethods.contains(method) ? method.rawValue : "other"
        // Hummingbird names a request no route matched `NotFound` (or nothing); both count as `unmatched`.
        let route = route.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        let factory = self.factory
        let counter = requests.withLock { counters in
            let key = RequestKey(method: method, route: route, status: status)
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: "herald_api_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))],
                factory: factory
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
        let timer = durations.withLock { timers in
            let key = RouteKey(method: method, route: route)
            if let timer = timers[key] { return timer }
            let timer = CoreMetrics.Timer(
                label: "herald_api_request_duration_seconds",
                dimensions: [("method", method), ("route", route)],
                factory: factory
            )
            timers[key] = timer
            return timer
        }
        timer.record(duration: duration)
    }
}
