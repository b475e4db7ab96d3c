import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// One endpoint's trouble stays in its own lane.
    @Suite struct LaneIsolationTests {
        static func configure(_ configuration: inout DeliveryConfiguration) {
            configuration.endpointConcurrency = 4
            // Longer than the test: the hanging endpoint's attempts are still out when it ends.
            configuration.requestTimeout = 20
        }

        /// Sends 50 messages to a hanging endpoint and to `healthyURL` and checks the healthy one gets all 50 promptly.
        static func expectHealthyEndpointUnaffected(_ harness: DeliveryHarness, healthy: TestReceiver, healthyURL: String)
            async throws
        {
            harness.receiver.on("/hang", reply: .hang(for: .seconds(60)))
            let hanging = try await harness.makeEndpoint(path: "/hang")
            let healthyEndpoint = try await harness.makeEndpoint(url: healthyURL)
            _ = try await harness.sendConcurrently(count: 50)
            let sent = ContinuousClock.now

            try await eventually("the healthy endpoint gets all 50", timeout: .seconds(5)) { healthy.count("/ok") == 50 }
            let lastArrival = try #require(healthy.requests(to: "/ok").last?.arrivedAt)
            #expect(
                (lastArrival - sent).seconds < 2,
                "the healthy endpoint's last delivery came \(lastArrival - sent) after the sends")
            try await eventually("the healthy endpoint's deliveries are recorded") {
                try await harness.stats(healthyEndpoint.id).success == 50
            }
            #expect(harness.receiver.count("/hang") == harness.configuration.endpointConcurrency)
            #expect(
                try await harness.attempts(endpoint: hanging.id).isEmpty, "the hanging endpoint's attempts should still be out")
        }

        @Test func aHangingEndpointDoesNotDelayAHealthyOneOnAnotherHost() async throws {
            try await withTestReceiver { other in
                try await DeliveryHarness.run(configure: Self.configure) { harness in
                    try await Self.expectHealthyEndpointUnaffected(harness, healthy: other, healthyURL: other.url("/ok"))
                }
            }
        }

        @Test func aHangingEndpointDoesNotDelayAHealthyOneOnTheSameHost() async throws {
            try await DeliveryHarness.run(configure: Self.configure) { harness in
                try await Self.expectHealthyEndpointUnaffected(
                    harness,
                    healthy: harness.receiver,
                    healthyURL: harness.receiver.url("/ok")
                )
            }
        }

        @Test func moreDeliveriesThanALaneHoldsAllArriveExactlyOnce() async throws {
            try await DeliveryHarness.run(configure: {
                $0.laneCapacity = 4
                $0.endpointConcurrency = 2
            }) { harness in
                harness.receiver.on("/narrow", reply: ReceiverReply(status: 200, delay: .milliseconds(20)))
                let endpoint = try await harness.makeEndpoint(path: "/narrow")
                let messages = try await harness.sendConcurrently(count: 20)

                try await eventually("all 20 are delivered") { try await harness.stats(endpoint.id).success == 20 }
                let ids = harness.receiver.requests(to: "/narrow").compactMap { $0[header: "webhook-id"] }
                #expect(ids.count == 20)
                #expect(Set(ids) == Set(messages.map(\.id)))
            }
        }
    }
}
