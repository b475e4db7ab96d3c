import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// An endpoint that fails with no success for `disableAfter` is disabled; re-enabling it resumes its deliveries.
    @Suite struct EndpointHealthTests {
        @Test func anEndpointFailingForTooLongIsDisabledAndResumesWhenReEnabled() async throws {
            try await DeliveryHarness.run(configure: {
                $0.disableAfter = 0.4
                $0.circuit.failureThreshold = 1000
                $0.retrySchedule = RetrySchedule(delays: Array(repeating: 0.1, count: 30))
            }) { harness in
                harness.receiver.on("/down", reply: .status(500))
                let endpoint = try await harness.makeEndpoint(path: "/down")
                let message = try await harness.send()

                try await eventually("the endpoint is disabled") {
                    try await harness.storedEndpoint(endpoint.id).disabled
                }
                let attemptsWhenDisabled = try await harness.attempts(endpoint: endpoint.id).count
                #expect(attemptsWhenDisabled >= 2)
                // Disabled: no more requests, and the delivery waits instead of failing for good.
                try await Task.sleep(for: .milliseconds(400))
                #expect(try await harness.attempts(endpoint: endpoint.id).count <= attemptsWhenDisabled + 1)
                #expect(try await harness.delivery(of: message.id, to: endpoint.id)?.status != .fail)

                harness.receiver.on("/down", reply: .status(204))
                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.disabled = false
                }
                try await eventually("the waiting delivery goes out once the endpoint is enabled again") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }
                #expect(try await harness.storedEndpoint(endpoint.id).disabled == false)
            }
        }
    }
}
