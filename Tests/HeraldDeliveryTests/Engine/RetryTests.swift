import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing
import WebhookSignature

extension DeliveryEngineTests {
    /// What the engine does after an attempt fails: retry on schedule, honour Retry-After, give up on 410.
    @Suite struct RetryTests {
        @Test func aFailedAttemptIsRetriedOnTheScheduleWithTheSameWebhookID() async throws {
            let firstDelay = 0.2
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: [firstDelay, firstDelay]) }) {
                harness in
                harness.receiver.on("/flaky", sequence: [.status(500, body: "boom"), .status(200)])
                let endpoint = try await harness.makeEndpoint(path: "/flaky")
                let message = try await harness.send()

                try await eventually("the delivery succeeds") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.map(\.attemptNumber) == [1, 2])
                #expect(attempts.map(\.status) == [.fail, .success])
                #expect(attempts.map(\.responseStatusCode) == [500, 200])
                #expect(attempts.first?.response == "boom")
                #expect(try await harness.delivery(of: message.id, to: endpoint.id)?.attemptCount == 2)

                let requests = harness.receiver.requests(to: "/flaky")
                try #require(requests.count == 2)
                #expect(requests.map { $0[header: "webhook-id"] } == [message.id, message.id])
                #expect(requests[0].body == requests[1].body)
                let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: endpoint.secrets.current)])
                for request in requests {
                    #expect(throws: Never.self) { try verifier.verify(headers: request.headers, payload: request.body) }
                }
                let gap = requests.seconds(from: 0, to: 1)
                #expect(gap >= firstDelay * (1 - RetrySchedule.jitter), "retried after \(gap) s")
            }
        }

        @Test func aDeliveryFailsForGoodOnceTheScheduleIsExhausted() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: [0.05, 0.05]) }) { harness in
                harness.receiver.on("/down", reply: .status(503))
                let endpoint = try await harness.makeEndpoint(path: "/down")
                let message = try await harness.send()

                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.map(\.attemptNumber) == [1, 2, 3])
                #expect(attempts.allSatisfy { $0.status == .fail && $0.responseStatusCode == 503 })
                #expect(harness.receiver.count("/down") == 3)
                #expect(try await harness.storedEndpoint(endpoint.id).disabled == false)
            }
        }

        @Test func retryAfterOn429PostponesTheNextAttemptBeyondTheSchedule() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: [0.05]) }) { harness in
                harness.receiver.on(
                    "/busy",
                    sequence: [.status(429, headers: ["Retry-After": "1"]), .status(200)]
                )
                let endpoint = try await harness.makeEndpoint(path: "/busy")
                let message = try await harness.send()

                try await eventually("the delivery succeeds", timeout: .seconds(5)) {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.map(\.responseStatusCode) == [429, 200])
                let requests = harness.receiver.requests(to: "/busy")
                try #require(requests.count == 2)
                let gap = requests.seconds(from: 0, to: 1)
                #expect(gap >= 0.95, "retried after \(gap) s although Retry-After asked for 1 s")
            }
        }

        @Test func a410DisablesTheEndpointAndFailsTheDeliveryForGood() async throws {
            try await DeliveryHarness.run { harness in
                harness.receiver.on("/gone", reply: .status(410, body: "unsubscribed"))
                let endpoint = try await harness.makeEndpoint(path: "/gone")
                let message = try await harness.send()

                try await eventually("the endpoint is disabled") { try await harness.storedEndpoint(endpoint.id).disabled }
                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.count == 1)
                #expect(attempts.first?.status == .fail)
                #expect(attempts.first?.responseStatusCode == 410)
                #expect(try await harness.delivery(of: message.id, to: endpoint.id)?.nextAttemptAt == nil)
                #expect(harness.receiver.count("/gone") == 1)

                // A disabled endpoint receives no new messages.
                let later = try await harness.send()
                #expect(try await harness.delivery(of: later.id, to: endpoint.id) == nil)
            }
        }

        @Test func anEndpointsOwnRetryScheduleOverridesTheServers() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: [0.05, 0.05, 0.05]) }) {
                harness in
                harness.receiver.on("/own", reply: .status(500))
                let endpoint = try await harness.makeEndpoint(path: "/own") { $0.retrySchedule = [0.05] }
                let message = try await harness.send()

                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }
                #expect(try await harness.attempts(endpoint: endpoint.id).map(\.attemptNumber) == [1, 2])
                #expect(harness.receiver.count("/own") == 2)
            }
        }

        @Test func aRetryAfterThePayloadExpiredFailsForGoodWithoutARequest() async throws {
            try await DeliveryHarness.run(configure: { $0.retrySchedule = RetrySchedule(delays: [0.5, 0.5]) }) { harness in
                harness.receiver.on("/late", reply: .status(500))
                let endpoint = try await harness.makeEndpoint(path: "/late")
                let message = try await harness.store.createMessage(
                    application: harness.application.id,
                    NewMessage(eventType: "invoice.paid", payload: Array(#"{"n":1}"#.utf8), retention: 0.3),
                    now: Date()
                )

                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.map(\.attemptNumber) == [1, 2])
                #expect(attempts.last?.errorKind == "payload_expired")
                #expect(attempts.last?.responseStatusCode == 0)
                #expect(harness.receiver.count("/late") == 1)
            }
        }

        @Test func anExpiredPayloadDoesNotCountAsAFailureOfTheEndpoint() async throws {
            // Two consecutive failures would open the circuit for a minute: the first attempt fails for real, the
            // retry finds the payload expired. Only the real failure may count, so the next message goes out at once.
            try await DeliveryHarness.run(configure: {
                $0.retrySchedule = RetrySchedule(delays: [0.5, 0.5])
                $0.circuit = CircuitBreaker.Configuration(failureThreshold: 2, cooldown: 60)
            }) { harness in
                harness.receiver.on("/flaky", sequence: [.status(500), .status(200)])
                let endpoint = try await harness.makeEndpoint(path: "/flaky")
                let expiring = try await harness.store.createMessage(
                    application: harness.application.id,
                    NewMessage(eventType: "invoice.paid", payload: Array(#"{"n":1}"#.utf8), retention: 0.3),
                    now: Date()
                )
                try await eventually("the retry finds the payload expired") {
                    try await harness.delivery(of: expiring.id, to: endpoint.id)?.status == .fail
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.map(\.responseStatusCode) == [500, 0])
                #expect(attempts.last?.errorKind == "payload_expired")
                let fresh = try await harness.send()
                try await eventually("the next message is delivered") {
                    try await harness.delivery(of: fresh.id, to: endpoint.id)?.status == .success
                }
                #expect(try await harness.storedEndpoint(endpoint.id).circuitState == "closed")
            }
        }

        @Test func anEndpointFailingWithoutABreakForTheDisablePeriodIsDisabledAndItsDeliveriesWait() async throws {
            try await DeliveryHarness.run(configure: { configuration in
                configuration.disableAfter = 0.3
                configuration.retrySchedule = RetrySchedule(delays: Array(repeating: 0.05, count: 40))
                configuration.circuit = CircuitBreaker.Configuration(failureThreshold: 1000)
            }) { harness in
                harness.receiver.on("/failing", reply: .status(500))
                let endpoint = try await harness.makeEndpoint(path: "/failing")
                let message = try await harness.send()

                try await eventually("the endpoint is disabled") { try await harness.storedEndpoint(endpoint.id).disabled }
                let delivery = try await harness.delivery(of: message.id, to: endpoint.id)
                #expect(delivery?.status == .pending)
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                let failingFor = try #require(attempts.last).createdAt.timeIntervalSince(try #require(attempts.first).createdAt)
                // Stored in whole milliseconds, and a `Date` this far from 1970 differs from them by up to 2.4e-7 s:
                // 300 ms between the two read back as 0.29999995.
                #expect(failingFor >= 0.3 - 0.000_001)
            }
        }

        @Test func deliveriesWaitingOnADisabledEndpointGoOutOnceItIsEnabledAgain() async throws {
            try await DeliveryHarness.run(configure: { configuration in
                configuration.disableAfter = 0.3
                configuration.retrySchedule = RetrySchedule(delays: Array(repeating: 0.05, count: 40))
                configuration.circuit = CircuitBreaker.Configuration(failureThreshold: 1000)
            }) { harness in
                harness.receiver.on("/back", reply: .status(500))
                let endpoint = try await harness.makeEndpoint(path: "/back")
                let message = try await harness.send()
                try await eventually("the endpoint is disabled") { try await harness.storedEndpoint(endpoint.id).disabled }

                harness.receiver.on("/back", reply: .ok)
                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.disabled = false
                }
                try await eventually("the waiting delivery succeeds", timeout: .seconds(4)) {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }
            }
        }

        @Test func aMessageSentRightAfterAnEndpointIsEnabledAgainIsDeliveredPromptly() async throws {
            try await DeliveryHarness.run { harness in
                harness.receiver.on("/revived", sequence: [.status(410), .ok])
                let endpoint = try await harness.makeEndpoint(path: "/revived")
                try await harness.send()
                try await eventually("the endpoint is disabled") { try await harness.storedEndpoint(endpoint.id).disabled }

                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.disabled = false
                }
                let message = try await harness.send()
                try await eventually("the new message is delivered", timeout: .seconds(4)) {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }
            }
        }
    }
}
