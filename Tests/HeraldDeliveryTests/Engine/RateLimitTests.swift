import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// An endpoint's `throttleRate` in the running engine.
    @Suite struct RateLimitTests {
        @Test func deliveriesToAThrottledEndpointArriveAtItsRateWithinTenPercent() async throws {
            let rate = 20
            try await DeliveryHarness.run { harness in
                let endpoint = try await harness.makeEndpoint(path: "/throttled") { $0.throttleRate = rate }
                _ = try await harness.sendConcurrently(count: 60)

                try await eventually("all 60 arrive", timeout: .seconds(10)) { harness.receiver.count("/throttled") == 60 }
                let arrivals = harness.receiver.requests(to: "/throttled")
                // The bucket lets a burst of `rate` through at once (more, while the messages were still being created);
                // from the 31st arrival on, every delivery waits for its token.
                let first = 30
                let last = arrivals.count - 1
                let measured = Double(last - first) / arrivals.seconds(from: first, to: last)
                #expect(abs(measured - Double(rate)) <= Double(rate) * 0.1, "steady rate \(measured)/s, expected \(rate)/s")
                try await eventually("all 60 are recorded as delivered") { try await harness.stats(endpoint.id).success == 60 }
                #expect(Set(arrivals.compactMap { $0[header: "webhook-id"] }).count == 60, "a message arrived twice")
            }
        }
    }
}
