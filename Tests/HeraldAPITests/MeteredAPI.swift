import Foundation
import HeraldAPI
import HeraldStore
import Hummingbird
import HummingbirdTesting
import Prometheus

/// Herald's API with metrics: a fresh SQLite store wrapped in a ``MeteredStore``, the router counting into a
/// registry of the test's own, and `/metrics` rendering it.
enum MeteredAPI {
    static func run<Value: Sendable>(
        engine: (any DeliveryEngineStatus)? = nil,
        _ body: @Sendable (TestAPI, PrometheusCollectorRegistry) async throws -> Value
    ) async throws -> Value {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let router = HeraldRouter.make(
            store: MeteredStore(store, metrics: factory),
            configuration: TestAPI.configuration,
            engine: engine,
            metrics: factory,
            prometheus: registry
        )
        return try await Application(responder: HeraldResponder(router)).test(.router) { client in
            try await body(TestAPI(client: client, store: store), registry)
        }
    }
}

/// One sample of a Prometheus text exposition: `name{labels} value`.
struct PrometheusSample: Sendable, Equatable {
    var name: String
    var labels: [String: String]
    var value: Double

    /// Every sample of `text` (comment lines skipped). Label values here never contain `,` or `"` escapes.
    static func parse(_ text: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { line -> PrometheusSample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[space...].dropFirst())
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return PrometheusSample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return PrometheusSample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }
}

extension Array where Element == PrometheusSample {
    /// The value of the one sample named `name` whose labels include `labels`; nil if there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }

    /// The names of every metric family (histogram series folded into their family).
    var families: Set<String> {
        Set(
            map { sample in
                for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
                    return String(sample.name.dropLast(suffix.count))
                }
                return sample.name
            })
    }
}
