import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing

extension DeliveryEngineTests {
    /// `DeliveryScheduler.resend`: one attempt now, outside the schedule.
    @Suite struct ManualResendTests {
        @Test func resendingADeliveredMessageMakesAManualAttemptThatIsRecorded() async throws {
            try await DeliveryHarness.run { harness in
                let endpoint = try await harness.makeEndpoint(path: "/again")
                let message = try await harness.send()
                try await eventually("the delivery succeeds") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }

                let attempt = try await harness.scheduler.resend(
                    application: harness.application.id,
                    message: message.id,
                    endpoint: endpoint.id
                )
                #expect(attempt.trigger == .manual)
                #expect(attempt.status == .success)
                #expect(attempt.responseStatusCode == 200)
                let requests = harness.receiver.requests(to: "/again")
                #expect(requests.count == 2)
                #expect(requests.map { $0[header: "webhook-id"] } == [message.id, message.id])
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.map(\.trigger) == [.scheduled, .manual])
                #expect(attempts.last?.id == attempt.id)
                #expect(try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success)
            }
        }

        @Test func aSuccessfulResendOfAFailedDeliveryMarksItDelivered() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: []) }) { harness in
                harness.receiver.on("/later", sequence: [.status(500), .status(200)])
                let endpoint = try await harness.makeEndpoint(path: "/later")
                let message = try await harness.send()
                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }

                let attempt = try await harness.scheduler.resend(
                    application: harness.application.id,
                    message: message.id,
                    endpoint: endpoint.id
                )
                #expect(attempt.trigger == .manual)
                #expect(attempt.status == .success)
                #expect(try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success)
                #expect(try await harness.attempts(endpoint: endpoint.id).map(\.trigger) == [.scheduled, .manual])
            }
        }

        @Test func aFailedResendLeavesTheDeliveryAsItWas() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: []) }) { harness in
                harness.receiver.on("/still-down", reply: .status(500))
                let endpoint = try await harness.makeEndpoint(path: "/still-down")
                let message = try await harness.send()
                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }

                let attempt = try await harness.scheduler.resend(
                    application: harness.application.id,
                    message: message.id,
                    endpoint: endpoint.id
                )
                #expect(attempt.trigger == .manual)
                #expect(attempt.status == .fail)
                #expect(attempt.responseStatusCode == 500)
                let delivery = try await harness.delivery(of: message.id, to: endpoint.id)
                #expect(delivery?.status == .fail)
                #expect(delivery?.attemptCount == 1)
                #expect(try await harness.attempts(endpoint: endpoint.id).count == 2)
            }
        }
    }
}
