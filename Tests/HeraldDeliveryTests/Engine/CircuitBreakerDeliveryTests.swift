import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Synchronization
import Testing

extension DeliveryEngineTests {
    /// The circuit breaker in the running engine: opens, stays quiet, probes once, closes and drains.
    @Suite struct CircuitBreakerDeliveryTests {
        @Test func aFailingEndpointsCircuitOpensStaysQuietProbesOnceThenClosesAndDrainsTheBacklog() async throws {
            let cooldown = 1.5
            try await DeliveryHarness.run(configure: { configuration in
                configuration.circuit = CircuitBreaker.Configuration(failureThreshold: 3, cooldown: cooldown, maximumCooldown: 3)
                configuration.retrySchedule = RetrySchedule(delays: Array(repeating: 0.05, count: 30))
                configuration.endpointConcurrency = 4
            }) { harness in
                // Fails until recovered; then answers the first request (the probe) slowly and the rest at once.
                let recovered = Mutex<Int?>(nil)
                harness.receiver.on("/breaker") { _, _ in
                    let answered = recovered.withLock { answered -> Int? in
                        answered = answered.map { $0 + 1 }
                        return answered
                    }
                    switch answered {
                    case nil: return .status(500)
                    case 1: return ReceiverReply(status: 200, delay: .milliseconds(400))
                    default: return .ok
                    }
                }
                let endpoint = try await harness.makeEndpoint(path: "/breaker")

                _ = try await harness.sendConcurrently(count: 3)
                try await eventually("the circuit opens") {
                    try await harness.storedEndpoint(endpoint.id).circuitState == "open"
                }
                // Retries sent just before the circuit opened may still be on their way: wait until every request
                // has been answered and recorded, and no more come, before counting them.
                try await eventually("the requests in flight are recorded") {
                    let recorded = try await harness.attempts(endpoint: endpoint.id).count
                    try await Task.sleep(for: .milliseconds(200))
                    return try await harness.attempts(endpoint: endpoint.id).count == recorded
                        && recorded == harness.receiver.count("/breaker")
                }
                let failures = try await harness.attempts(endpoint: endpoint.id)
                #expect(failures.count >= 3)
                #expect(failures.allSatisfy { $0.responseStatusCode == 500 })
                let failedRequests = harness.receiver.count("/breaker")
                let openedAt = ContinuousClock.now
                let lastFailureArrival = try #require(harness.receiver.requests(to: "/breaker").last?.arrivedAt)

                // A backlog builds up while the circuit is open; none of it goes out.
                _ = try await harness.sendConcurrently(count: 20)
                try await Task.sleep(until: openedAt + .milliseconds(Int64(cooldown * 1000 * 0.5)))
                #expect(harness.receiver.count("/breaker") == failedRequests, "requests went out while the circuit was open")

                recovered.withLock { $0 = 0 }
                try await eventually("all 23 deliveries succeed", timeout: .seconds(10)) {
                    try await harness.stats(endpoint.id).success == 23
                }
                try await eventually("the circuit closes") {
                    try await harness.storedEndpoint(endpoint.id).circuitState == "closed"
                }

                let requests = harness.receiver.requests(to: "/breaker")
                let probe = requests[failedRequests]
                let probeAnswered = try #require(harness.receiver.answeredAt(probe))
                let waitedFor = (probe.arrivedAt - lastFailureArrival).seconds
                #expect(waitedFor >= cooldown * 0.9, "the probe came \(waitedFor) s after the last failure")
                let duringProbe = requests.filter { $0.arrivedAt > probe.arrivedAt && $0.arrivedAt < probeAnswered }
                #expect(duringProbe.isEmpty, "\(duringProbe.count) requests went out while the probe was pending")
                #expect(requests.count == failedRequests + 23)
            }
        }

        /// Messages for an endpoint whose circuit is open are written pending until the circuit lets a probe through,
        /// not leased to the engine and given back with a second write.
        @Test func deliveriesIngestedWhileTheCircuitIsOpenAreBornPendingUntilItReopens() async throws {
            let cooldown = 30.0
            try await DeliveryHarness.run(configure: { configuration in
                configuration.circuit = CircuitBreaker.Configuration(failureThreshold: 2, cooldown: cooldown, maximumCooldown: 60)
                configuration.retrySchedule = RetrySchedule(delays: Array(repeating: 0.05, count: 30))
            }) { harness in
                harness.receiver.on("/down") { _, _ in .status(503) }
                let endpoint = try await harness.makeEndpoint(path: "/down")
                _ = try await harness.sendConcurrently(count: 2)
                try await eventually("the circuit opens") {
                    try await harness.storedEndpoint(endpoint.id).circuitState == "open"
                }
                let sentBefore = harness.receiver.count("/down")
                // The lane publishes the deferral when it next looks at its queue: a retry due 50 ms later.
                try await Task.sleep(for: .milliseconds(300))

                let openedBy = Date()
                for _ in 0..<5 {
                    let message = try await harness.send()
                    let delivery = try #require(try await harness.delivery(of: message.id, to: endpoint.id))
                    #expect(delivery.status == .pending, "born \(delivery.status), not pending")
                    let due = try #require(delivery.nextAttemptAt)
                    #expect(due.timeIntervalSince(openedBy) > cooldown / 2, "due \(due.timeIntervalSince(openedBy)) s from now")
                }
                try await Task.sleep(for: .milliseconds(200))
                #expect(harness.receiver.count("/down") == sentBefore, "requests went out while the circuit was open")
            }
        }
    }
}
