import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// Changes to an endpoint reach a busy lane at once: its URL, its disabling, its deletion.
    @Suite struct EndpointChangeTests {
        static func configure(_ configuration: inout DeliveryConfiguration) {
            configuration.endpointConcurrency = 1
        }

        @Test func aDeliveryAfterTheURLChangedGoesToTheNewURL() async throws {
            try await DeliveryHarness.run { harness in
                let endpoint = try await harness.makeEndpoint(path: "/old")
                try await harness.send()
                try await eventually("the first delivery is recorded") { try await harness.stats(endpoint.id).success == 1 }

                let newURL = harness.receiver.url("/new")
                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.url = newURL
                }
                let message = try await harness.send()
                try await eventually("the second delivery is recorded") { try await harness.stats(endpoint.id).success == 2 }
                #expect(harness.receiver.requests(to: "/new").map { $0[header: "webhook-id"] } == [message.id])
                #expect(harness.receiver.count("/old") == 1)
                #expect(try await harness.attempts(message: message.id).first?.url == newURL)
            }
        }

        @Test func onceAnEndpointIsDisabledNoneOfItsQueuedDeliveriesGoOut() async throws {
            try await DeliveryHarness.run(configure: Self.configure) { harness in
                harness.receiver.on("/paused", reply: ReceiverReply(status: 200, delay: .milliseconds(100)))
                let endpoint = try await harness.makeEndpoint(path: "/paused")
                _ = try await harness.send(count: 20)
                try await eventually("deliveries are under way") { harness.receiver.count("/paused") >= 2 }

                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.disabled = true
                }
                let sentBeforeDisabling = harness.receiver.count("/paused")
                // Quiet window: longer than several 100 ms exchanges, shorter than the lanes' periodic reload.
                try await Task.sleep(for: .milliseconds(700))
                // The one exchange in flight when the endpoint was disabled may still complete.
                #expect(harness.receiver.count("/paused") <= sentBeforeDisabling + 1)
                let stats = try await harness.stats(endpoint.id)
                #expect(stats.success + stats.pending + stats.sending == 20)
            }
        }

        @Test func onceAnEndpointIsDeletedNoneOfItsQueuedDeliveriesGoOut() async throws {
            try await DeliveryHarness.run(configure: Self.configure) { harness in
                harness.receiver.on("/deleted", reply: ReceiverReply(status: 200, delay: .milliseconds(100)))
                let endpoint = try await harness.makeEndpoint(path: "/deleted")
                _ = try await harness.send(count: 20)
                try await eventually("deliveries are under way") { harness.receiver.count("/deleted") >= 2 }

                try await harness.store.deleteEndpoint(application: harness.application.id, endpoint.id)
                let sentBeforeDeleting = harness.receiver.count("/deleted")
                try await Task.sleep(for: .milliseconds(700))
                #expect(harness.receiver.count("/deleted") <= sentBeforeDeleting + 1)
            }
        }
    }
}
