import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// The store is the source of truth: work held by an engine that died is picked up by the next one.
    @Suite struct RecoveryTests {
        @Test func deliveriesLeasedByAnEngineThatDiedAreDeliveredByTheNextOnceTheLeaseExpires() async throws {
            let leaseDuration = 0.5
            try await DeliveryHarness.run(configure: { $0.leaseDuration = leaseDuration }) { harness in
                // The first engine's requests hang; the next engine's are answered at once.
                harness.receiver.on("/recover") { _, number in number <= 3 ? .hang(for: .seconds(10)) : .ok }
                let endpoint = try await harness.makeEndpoint(path: "/recover")
                let messages = try await harness.send(count: 3)
                try await eventually("the first engine has all three in flight") { harness.receiver.count("/recover") == 3 }
                await harness.stopAbruptly()
                #expect(try await harness.attempts(endpoint: endpoint.id).isEmpty)

                try await harness.withAnotherEngine(configure: { $0.leaseDuration = leaseDuration }) { _ in
                    try await eventually("the next engine delivers all three", timeout: .seconds(5)) {
                        try await harness.stats(endpoint.id).success == 3
                    }
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(Set(attempts.map(\.messageID)) == Set(messages.map(\.id)))
                #expect(attempts.allSatisfy { $0.status == .success && $0.attemptNumber == 1 })
                // Not before the dead engine's leases expired.
                let requests = harness.receiver.requests(to: "/recover")
                #expect(requests.count == 6)
                for index in 3..<requests.count {
                    #expect(requests.seconds(from: 0, to: index) >= leaseDuration * 0.9)
                }
            }
        }
    }
}
