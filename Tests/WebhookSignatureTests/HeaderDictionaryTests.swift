import Foundation
import Testing
import WebhookSignature

@Suite struct HeaderDictionaryTests {
    typealias Vector = Vectors.Published
    let verifier: WebhookVerifier
    let signedAt = Date(timeIntervalSince1970: TimeInterval(Vector.timestamp))

    init() throws {
        verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: Vector.secret)])
    }

    private func headers(prefix: String) -> [String: String] {
        [
            "\(prefix)-id": Vector.messageID,
            "\(prefix)-timestamp": String(Vector.timestamp),
            "\(prefix)-signature": Vector.signature,
            "content-type": "application/json",
        ]
    }

    @Test func readsStandardWebhookHeaders() throws {
        try verifier.verify(headers: headers(prefix: "webhook"), payload: Vector.payload, now: signedAt)
    }

    @Test func headerNamesMatchInAnyCase() throws {
        try verifier.verify(headers: headers(prefix: "Webhook"), payload: Vector.payload, now: signedAt)
        try verifier.verify(headers: headers(prefix: "WEBHOOK"), payload: Vector.payload, now: signedAt)
    }

    @Test func fallsBackToSvixHeaders() throws {
        try verifier.verify(headers: headers(prefix: "svix"), payload: Vector.payload, now: signedAt)
        try verifier.verify(headers: headers(prefix: "Svix"), payload: Vector.payload, now: signedAt)
    }

    @Test func standardHeadersWinOverSvixHeaders() throws {
        var headers = headers(prefix: "webhook")
        headers["svix-id"] = "msg_other"
        headers["svix-signature"] = "v1,AAAA"
        try verifier.verify(headers: headers, payload: Vector.payload, now: signedAt)
    }

    @Test func absentHeaderIsMissing() {
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            var headers = headers(prefix: "webhook")
            headers[name] = nil
            #expect(throws: WebhookVerificationError.missingHeader) {
                try verifier.verify(headers: headers, payload: Vector.payload, now: signedAt)
            }
        }
        #expect(throws: WebhookVerificationError.missingHeader) {
            try verifier.verify(headers: [:], payload: Vector.payload, now: signedAt)
        }
    }

    @Test func tamperedPayloadFailsThroughHeaders() {
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verifier.verify(headers: headers(prefix: "webhook"), payload: Array("{}".utf8), now: signedAt)
        }
    }
}
