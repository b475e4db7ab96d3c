import Foundation
import Testing
import WebhookSignature

@Suite struct TimestampToleranceTests {
    typealias Vector = Vectors.Published

    private func verify(
        timestamp: String = String(Vector.timestamp),
        secondsAfterSigning offset: TimeInterval,
        tolerance: Duration = .seconds(300)
    ) throws(WebhookVerificationError) {
        let secret = try! WebhookSecret(parsing: Vector.secret)
        try WebhookVerifier(secrets: [secret], tolerance: tolerance).verify(
            messageID: Vector.messageID,
            timestamp: timestamp,
            signatureHeader: Vector.signature,
            payload: Vector.payload,
            now: Date(timeIntervalSince1970: TimeInterval(Vector.timestamp) + offset)
        )
    }

    @Test(arguments: [-300, -299, 0, 299, 300] as [TimeInterval])
    func timestampWithinFiveMinutesPasses(offset: TimeInterval) throws {
        try verify(secondsAfterSigning: offset)
    }

    @Test func timestamp301SecondsOldFails() {
        #expect(throws: WebhookVerificationError.timestampOutOfTolerance) { try verify(secondsAfterSigning: 301) }
    }

    @Test func timestamp301SecondsInTheFutureFails() {
        #expect(throws: WebhookVerificationError.timestampOutOfTolerance) { try verify(secondsAfterSigning: -301) }
    }

    @Test func toleranceIsConfigurable() throws {
        try verify(secondsAfterSigning: 3_000, tolerance: .seconds(3_600))
        #expect(throws: WebhookVerificationError.timestampOutOfTolerance) {
            try verify(secondsAfterSigning: 11, tolerance: .seconds(10))
        }
    }

    @Test func staleTimestampFailsBeforeSignatureIsChecked() {
        #expect(throws: WebhookVerificationError.timestampOutOfTolerance) {
            try WebhookVerifier(secrets: []).verify(
                messageID: "msg_1", timestamp: "1000", signatureHeader: "v1,AAAA", payload: [UInt8](),
                now: Date(timeIntervalSince1970: 2_000))
        }
    }

    @Test(arguments: [
        "1614265330.0", "1614265330.5", "abc", " 1614265330", "1614265330 ", "+1614265330", "-1614265330",
        "1e9", "2021-02-25T15:02:10Z", "99999999999999999999",
    ])
    func nonIntegerTimestampFails(timestamp: String) {
        #expect(throws: WebhookVerificationError.invalidTimestamp) {
            try verify(timestamp: timestamp, secondsAfterSigning: 0)
        }
    }
}
