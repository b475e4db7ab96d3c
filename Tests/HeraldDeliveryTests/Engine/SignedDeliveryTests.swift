import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import Testing
import WebhookSignature

extension DeliveryEngineTests {
    /// What a delivery looks like on the wire: method, headers, body, signatures.
    @Suite struct SignedDeliveryTests {
        @Test func aMessageArrivesOnceAsASignedPostWithTheEndpointsHeadersAndIsRecordedAsDelivered() async throws {
            try await DeliveryHarness.run { harness in
                harness.receiver.on("/hook", reply: .status(200, body: "thanks"))
                let endpoint = try await harness.makeEndpoint(path: "/hook") {
                    $0.headers = ["X-Tenant": "acme", "x-trace-id": "t-42", "User-Agent": "Spoofer/1.0"]
                }
                let payload = #"{"type":"invoice.paid","amount":42,"note":"ünïcode"}"#
                let sentAt = Date()
                let message = try await harness.send(payload)

                try await eventually("the attempt is recorded") { try await !harness.attempts(endpoint: endpoint.id).isEmpty }
                let requests = harness.receiver.requests(to: "/hook")
                try #require(requests.count == 1)
                let request = requests[0]
                #expect(request.body == Array(payload.utf8))
                #expect(request[header: "content-type"] == "application/json")
                #expect(request[header: "user-agent"] == HeraldDelivery.userAgent)
                #expect(request[header: "user-agent"]?.hasPrefix("Herald/") == true)
                #expect(request[header: "x-tenant"] == "acme")
                #expect(request[header: "x-trace-id"] == "t-42")
                #expect(request[header: "webhook-id"] == message.id)
                #expect(request[header: "svix-id"] == nil)
                let timestamp = try #require(request[header: "webhook-timestamp"].flatMap(Double.init))
                #expect(abs(timestamp - sentAt.timeIntervalSince1970) < 5)

                let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: endpoint.secrets.current)])
                #expect(throws: Never.self) { try verifier.verify(headers: request.headers, payload: request.body) }
                let otherVerifier = WebhookVerifier(secrets: [WebhookSecret.generateHMAC()])
                #expect(throws: WebhookVerificationError.self) {
                    try otherVerifier.verify(headers: request.headers, payload: request.body)
                }

                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.count == 1)
                let attempt = try #require(attempts.first)
                #expect(attempt.status == .success)
                #expect(attempt.responseStatusCode == 200)
                #expect(attempt.response == "thanks")
                #expect(attempt.errorKind == nil)
                #expect(attempt.trigger == .scheduled)
                #expect(attempt.attemptNumber == 1)
                #expect(attempt.messageID == message.id)
                #expect(attempt.url == endpoint.url)
                try await eventually("the delivery is marked delivered") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .success
                }
                #expect(try await harness.delivery(of: message.id, to: endpoint.id)?.attemptCount == 1)
                #expect(harness.receiver.count() == 1)
            }
        }

        @Test func bothHeaderFamiliesCarryTheSameIdTimestampAndSignatureWhenConfiguredForBoth() async throws {
            try await DeliveryHarness.run(configure: { $0.signatureHeaders = .both }) { harness in
                let endpoint = try await harness.makeEndpoint(path: "/both")
                let message = try await harness.send()

                try await eventually("the request arrives") { harness.receiver.count("/both") == 1 }
                let request = harness.receiver.requests(to: "/both")[0]
                for name in ["id", "timestamp", "signature"] {
                    #expect(request[header: "webhook-\(name)"] != nil)
                    #expect(request[header: "webhook-\(name)"] == request[header: "svix-\(name)"])
                }
                #expect(request[header: "svix-id"] == message.id)
                let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: endpoint.secrets.current)])
                let svixOnly = request.headers.filter { !$0.key.hasPrefix("webhook-") }
                #expect(throws: Never.self) { try verifier.verify(headers: svixOnly, payload: request.body) }
            }
        }

        @Test func svixHeadersAloneAreSentWhenConfiguredForSvix() async throws {
            try await DeliveryHarness.run(configure: { $0.signatureHeaders = .svix }) { harness in
                let endpoint = try await harness.makeEndpoint(path: "/svix")
                let message = try await harness.send()

                try await eventually("the request arrives") { harness.receiver.count("/svix") == 1 }
                let request = harness.receiver.requests(to: "/svix")[0]
                #expect(request[header: "svix-id"] == message.id)
                #expect(request.headers.keys.filter { $0.hasPrefix("webhook-") }.isEmpty)
                let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: endpoint.secrets.current)])
                #expect(throws: Never.self) { try verifier.verify(headers: request.headers, payload: request.body) }
            }
        }

        @Test func afterRotationADeliveryVerifiesWithTheOldSecretAndWithTheNewOneAlone() async throws {
            try await DeliveryHarness.run { harness in
                let endpoint = try await harness.makeEndpoint(path: "/rotated")
                let oldSecret = endpoint.secrets.current
                let newSecret = WebhookSecret.generateHMAC().encoded
                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.secrets = $0.secrets.rotated(to: newSecret, gracePeriod: 3600, now: Date())
                }
                try await harness.send()

                try await eventually("the request arrives") { harness.receiver.count("/rotated") == 1 }
                let request = harness.receiver.requests(to: "/rotated")[0]
                #expect(request[header: "webhook-signature"]?.split(separator: " ").count == 2)
                for secret in [oldSecret, newSecret] {
                    let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: secret)])
                    #expect(throws: Never.self) { try verifier.verify(headers: request.headers, payload: request.body) }
                }
            }
        }

        @Test func aDeliveryRightAfterRotatingTheSecretOfABusyEndpointIsSignedWithTheNewSecret() async throws {
            try await DeliveryHarness.run { harness in
                let endpoint = try await harness.makeEndpoint(path: "/busy")
                try await harness.send()
                try await eventually("the first delivery is recorded") {
                    try await harness.attempts(endpoint: endpoint.id).count == 1
                }
                let newSecret = WebhookSecret.generateHMAC().encoded
                _ = try await harness.store.updateEndpoint(application: harness.application.id, endpoint.id) {
                    $0.secrets = $0.secrets.rotated(to: newSecret, gracePeriod: 3600, now: Date())
                }
                try await harness.send()

                try await eventually("the second request arrives") { harness.receiver.count("/busy") == 2 }
                let request = harness.receiver.requests(to: "/busy")[1]
                let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: newSecret)])
                #expect(throws: Never.self) { try verifier.verify(headers: request.headers, payload: request.body) }
            }
        }
    }
}
