import Foundation
import HTTPTypes
import HeraldAPI
import Prometheus
import Testing

@testable import HeraldStore

@Suite struct HealthRouteTests {
    /// The engine's running flag as the API sees it (the real scheduler's flag is tested in HeraldDeliveryTests).
    struct Engine: DeliveryEngineStatus {
        var isRunning: Bool
    }

    @Test func healthReportsStoreAndRunningEngine() async throws {
        try await MeteredAPI.run(engine: Engine(isRunning: true)) { api, _ in
            let response = try await api.request(.get, "/api/v1/health", token: nil)
            #expect(response.status == .ok)
            #expect(response.json == ["status": "ok", "store": "ok", "delivery": "ok"])
        }
    }

    @Test func healthIs503WhenTheEngineIsNotRunning() async throws {
        try await MeteredAPI.run(engine: Engine(isRunning: false)) { api, _ in
            let response = try await api.request(.get, "/api/v1/health", token: nil)
            #expect(response.status == .serviceUnavailable)
            #expect(response.json == ["status": "unavailable", "store": "ok", "delivery": "stopped"])
        }
    }

    @Test func healthIs503NamingTheStoreWhenItCannotBeRead() async throws {
        try await MeteredAPI.run { api, registry in
            try api.store.pool.close()
            let response = try await api.request(.get, "/api/v1/health", token: nil)
            #expect(response.status == .serviceUnavailable)
            #expect(response.json == ["status": "unavailable", "store": "unavailable", "delivery": "disabled"])
            // Liveness does not touch the store.
            let live = try await api.request(.get, "/api/v1/health/live", token: nil)
            #expect(live.status == .ok)
            #expect(live.json == ["status": "ok"])
            // The failed ping is a store error.
            let samples = PrometheusSample.parse(registry.emitToString())
            #expect(samples.value("herald_store_errors_total", ["operation": "ping"]) == 1)
        }
    }

    @Test func livenessNeedsNoToken() async throws {
        try await TestAPI.run { api in
            let response = try await api.request(.get, "/api/v1/health/live", token: nil)
            #expect(response.status == .ok)
            #expect(response.json == ["status": "ok"])
        }
    }
}
