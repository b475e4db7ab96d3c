import Foundation
import HeraldStore
import Hummingbird
import Logging
import NIOCore

/// Routes about the service itself: health (no auth) and the OpenAPI contract.
struct ServiceRoutes {
    let openAPISpec: String
    let store: any Store
    /// The delivery engine of this process; nil when it runs without one (health then says `disabled`).
    let engine: (any DeliveryEngineStatus)?
    /// How long the health check waits for the store before calling it unavailable.
    static let storeTimeout: Duration = .seconds(2)

    func register(on router: Router<HeraldRequestContext>) {
        // Readiness: 200 when the store answers and the delivery engine (if any) runs, else 503 naming the part.
        router.get("/api/v1/health") { _, context in
            let health = await check(logger: context.logger)
            return try JSONCoding.response(health, status: health.status == "ok" ? .ok : .serviceUnavailable)
        }
        // Liveness: the process answers; touches nothing else.
        router.get("/api/v1/health/live") { _, _ in
            try JSONCoding.response(["status": "ok"])
        }
        router.get("/api/v1/openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: openAPISpec))
            )
        }
    }

    /// The body of `GET /api/v1/health`.
    struct HealthOut: Encodable {
        var status: String
        var store: String
        var delivery: String
    }

    func check(logger: Logger) async -> HealthOut {
        var storeStatus = "ok"
        do {
            try await Self.withTimeout(Self.storeTimeout) { [store] in try await store.ping() }
        } catch {
            storeStatus = "unavailable"
            logger.warning("Health check: the store did not answer", metadata: ["error": "\(error)"])
        }
        let delivery = engine.map { $0.isRunning ? "ok" : "stopped" } ?? "disabled"
        let healthy = storeStatus == "ok" && delivery != "stopped"
        return HealthOut(status: healthy ? "ok" : "unavailable", store: storeStatus, delivery: delivery)
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "timed out" }
    }

    /// Runs `operation`, giving up with ``TimedOut`` after `limit`.
    static func withTimeout(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimedOut()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
