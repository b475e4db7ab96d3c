import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Synchronization
import Testing

extension DeliveryEngineTests {
    /// Endpoints with `fifo` set receive their messages one at a time, in order, even through retries.
    @Suite struct FIFODeliveryTests {
        @Test func aFIFOEndpointReceivesMessagesInCreationOrderAndARetriedOneHoldsTheRestBack() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: [0.05, 0.05, 0.05]) }) {
                harness in
                // The second message fails twice before it is accepted; every other one is accepted at once.
                let seen = Mutex<[String: Int]>([:])
                harness.receiver.on("/ordered") { request, _ in
                    let times = seen.withLock { seen in
                        seen[request.text, default: 0] += 1
                        return seen[request.text]!
                    }
                    return request.text == #"{"n":2}"# && times <= 2 ? .status(500) : .ok
                }
                let endpoint = try await harness.makeEndpoint(path: "/ordered") { $0.fifo = true }
                let messages = try await harness.send(count: 10)

                try await eventually("all 10 are delivered") { try await harness.stats(endpoint.id).success == 10 }
                let arrivals = harness.receiver.requests(to: "/ordered").compactMap { $0[header: "webhook-id"] }
                let expected = [messages[0].id, messages[1].id, messages[1].id] + messages.map(\.id).dropFirst()
                #expect(arrivals == expected)
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                // The audit log agrees: one success per message, none before the previous message's. Its times have
                // millisecond resolution, so attempts on loopback often share one.
                let succeeded = attempts.filter { $0.status == .success }
                #expect(succeeded.count == messages.count)
                let successes = Dictionary(succeeded.map { ($0.messageID, $0.createdAt) }, uniquingKeysWith: min)
                for (earlier, later) in zip(messages, messages.dropFirst()) {
                    #expect(try #require(successes[earlier.id]) <= #require(successes[later.id]))
                }
                #expect(attempts.filter { $0.messageID == messages[1].id }.map(\.attemptNumber) == [1, 2, 3])
            }
        }

        @Test func aFIFOEndpointKeepsItsOrderThroughAnOpenCircuit() async throws {
            let cooldown = 0.3
            try await DeliveryHarness.run(configure: { configuration in
                configuration.retrySchedule = RetrySchedule(delays: Array(repeating: 0.05, count: 10))
                configuration.circuit = CircuitBreaker.Configuration(failureThreshold: 2, cooldown: cooldown, maximumCooldown: 1)
            }) { harness in
                // The first message fails twice, which opens the circuit; after the cooldown its probe succeeds.
                harness.receiver.on("/ordered") { request, _ in
                    request.text == #"{"n":1}"# && harness.receiver.requests(to: "/ordered").count <= 2 ? .status(500) : .ok
                }
                let endpoint = try await harness.makeEndpoint(path: "/ordered") { $0.fifo = true }
                let messages = try await harness.send(count: 5)

                try await eventually("all 5 are delivered") { try await harness.stats(endpoint.id).success == 5 }
                let requests = harness.receiver.requests(to: "/ordered")
                #expect(
                    requests.compactMap { $0[header: "webhook-id"] } == [messages[0].id, messages[0].id] + messages.map(\.id))
                try #require(requests.count == 7)
                let open = requests.seconds(from: 1, to: 2)
                #expect(open >= cooldown * 0.9, "the probe came \(open) s after the failure that opened the circuit")
                #expect(try await harness.storedEndpoint(endpoint.id).circuitState == "closed")
            }
        }
    }
}
