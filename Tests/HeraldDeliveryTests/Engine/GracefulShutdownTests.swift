import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// A graceful shutdown finishes what is in flight and gives the rest back to the store.
    @Suite struct GracefulShutdownTests {
        @Test func shutdownRecordsInFlightAttemptsAndReleasesQueuedDeliveries() async throws {
            try await DeliveryHarness.run(configure: {
                $0.endpointConcurrency = 2
                $0.shutdownGracePeriod = 2
            }) { harness in
                harness.receiver.on("/slow", reply: ReceiverReply(status: 200, delay: .milliseconds(300)))
                let endpoint = try await harness.makeEndpoint(path: "/slow")
                let messages = try await harness.send(count: 6)
                try await eventually("two deliveries are in flight") { harness.receiver.count("/slow") >= 2 }

                let shutdownStarted = ContinuousClock.now
                await harness.shutDownGracefully()
                let shutdownTook = ContinuousClock.now - shutdownStarted
                #expect(shutdownTook < .seconds(1.5), "the shutdown took \(shutdownTook)")

                let sent = Set(harness.receiver.requests(to: "/slow").compactMap { $0[header: "webhook-id"] })
                #expect(sent.count >= 2 && sent.count < 6)
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(Set(attempts.map(\.messageID)) == sent, "every request that went out is recorded")
                #expect(attempts.allSatisfy { $0.status == .success })

                let unsent = Set(messages.map(\.id)).subtracting(sent)
                for id in unsent {
                    let delivery = try await harness.delivery(of: id, to: endpoint.id)
                    #expect(delivery?.status == .pending)
                    #expect(delivery?.attemptCount == 0)
                }
                for id in sent {
                    #expect(try await harness.delivery(of: id, to: endpoint.id)?.status == .success)
                }
                // Released, not leased: another instance can take them at once.
                let leased = try await harness.store.leaseDueDeliveries(
                    owner: "another-instance",
                    now: Date(),
                    leaseDuration: 60,
                    limit: 100
                )
                #expect(Set(leased.map(\.messageID)) == unsent)
            }
        }

        @Test func shutdownAbandonsAttemptsThatOutlastTheGracePeriodAndReleasesThem() async throws {
            try await DeliveryHarness.run(configure: {
                $0.endpointConcurrency = 2
                $0.shutdownGracePeriod = 0.3
                $0.requestTimeout = 20
            }) { harness in
                harness.receiver.on("/stuck", reply: .hang(for: .seconds(30)))
                let endpoint = try await harness.makeEndpoint(path: "/stuck")
                let messages = try await harness.send(count: 4)
                try await eventually("two deliveries are in flight") { harness.receiver.count("/stuck") == 2 }

                let shutdownStarted = ContinuousClock.now
                await harness.shutDownGracefully()
                let shutdownTook = ContinuousClock.now - shutdownStarted
                #expect(shutdownTook < .seconds(1.5), "the shutdown took \(shutdownTook)")

                #expect(try await harness.attempts(endpoint: endpoint.id).isEmpty)
                let leased = try await harness.store.leaseDueDeliveries(
                    owner: "another-instance",
                    now: Date(),
                    leaseDuration: 60,
                    limit: 100
                )
                #expect(Set(leased.map(\.messageID)) == Set(messages.map(\.id)))
            }
        }
    }
}
