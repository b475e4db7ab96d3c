import Foundation
import Testing
import WebhookSignature

@testable import herald

@Suite struct ListenReportTests {
    let secretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func request(body: String, signedWith secret: String) throws -> ReceivedRequest {
        let bytes = Array(body.utf8)
        let signature = WebhookSigner.signatureHeader(
            secrets: [try WebhookSecret(parsing: secret)], messageID: "msg_42", timestamp: 1_700_000_000, payload: bytes)
        return ReceivedRequest(
            receivedAt: now,
            method: "POST",
            path: "/hooks/orders",
            headers: [
                ("host", "127.0.0.1:8072"), ("content-type", "application/json"), ("webhook-id", "msg_42"),
                ("webhook-timestamp", "1700000000"), ("webhook-signature", signature),
            ],
            body: bytes
        )
    }

    func receiver(secrets: [String]) throws -> ListenReceiver {
        ListenReceiver(
            check: try SignatureCheck(secretTexts: secrets, environment: [:]),
            status: 204,
            path: nil,
            maxBodyBytes: 1 << 20,
            output: StandardOutput()
        )
    }

    @Test func jsonIsIndentedKeepingKeyOrderNumbersAndStrings() {
        let json = #"{"z":1.50,"a":[],"b":{"s":"x\"}, [y]","e":{}},"n":[1,2e3,null]}"#
        let expected = """
            {
              "z": 1.50,
              "a": [],
              "b": {
                "s": "x\\"}, [y]",
                "e": {}
              },
              "n": [
                1,
                2e3,
                null
              ]
            }
            """
        #expect(JSONReindenter.format(Array(json.utf8)) == expected)
        #expect(JSONReindenter.format(Array("not json".utf8)) == nil)
        #expect(JSONReindenter.format(Array("\"just a string\"".utf8)) == "\"just a string\"")
    }

    @Test func deliverySignedWithTheSecretIsVerified() throws {
        let received = try request(body: #"{"type":"order.paid"}"#, signedWith: secretText)
        #expect(try receiver(secrets: [secretText]).verdict(received) == .verified)
    }

    @Test func deliverySignedWithAnotherSecretFailsWithAReason() throws {
        let received = try request(body: "{}", signedWith: WebhookSecret.generateHMAC().encoded)
        guard case .failed(let reason) = try receiver(secrets: [secretText]).verdict(received) else {
            Issue.record("expected a failed verification")
            return
        }
        #expect(reason.contains("No webhook signature matches"))
        #expect(try receiver(secrets: []).verdict(received) == .unchecked)
    }

    @Test func reportShowsTheDeliveryReadably() throws {
        let received = try request(body: #"{"type":"order.paid","n":1}"#, signedWith: secretText)
        let report = ListenReport.render(received, verdict: .verified, answeredStatus: 204)
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "━━━ 2023-11-14T22:13:20Z  POST /hooks/orders")
        #expect(lines.contains("webhook-id:        msg_42"))
        #expect(lines.contains("webhook-timestamp: 1700000000 (2023-11-14T22:13:20Z)"))
        #expect(lines.contains("VERIFIED: the signature matches"))
        #expect(lines.contains("  content-type: application/json"))
        #expect(!report.contains("host:"))
        #expect(report.contains("body (27 bytes, JSON):\n{\n  \"type\": \"order.paid\",\n  \"n\": 1\n}\n"))
        #expect(report.hasSuffix("answered 204\n\n"))
    }

    @Test func failedVerificationAndOddBodiesAreShown() throws {
        var received = try request(body: "plain text", signedWith: secretText)
        var report = ListenReport.render(received, verdict: .failed(reason: "bad"), answeredStatus: 500)
        #expect(report.contains("SIGNATURE FAILED: bad\n"))
        #expect(report.contains("body (10 bytes, text):\nplain text\n"))
        received.body = [0xFF, 0xFE]
        received.headers = []
        report = ListenReport.render(received, verdict: .unchecked, answeredStatus: 204)
        #expect(report.contains("webhook-id:        (none)"))
        #expect(report.contains("NOT VERIFIED"))
        #expect(report.contains("body: 2 bytes, not text"))
    }

    @Test func listenRejectsAStatusOutsideHTTPRange() {
        #expect(throws: (any Error).self) { try Listen.parse(["--status", "99"]) }
        #expect(throws: (any Error).self) { try Listen.parse(["--path", "no-slash"]) }
        #expect((try? Listen.parse([]))?.port == Listen.defaultPort)
    }
}
