import Foundation
import Testing
import WebhookSignature

@testable import herald

@Suite struct VerifyCommandTests {
    let secretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let payload = Array(#"{"type":"user.created","data":{"id":1}}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// Headers of a delivery signed with `secret` at `timestamp`, as Herald sends them.
    func signedHeaders(secret: String? = nil, timestamp: Int64, prefix: String = "webhook") throws -> [String: String] {
        let key = try WebhookSecret(parsing: secret ?? secretText)
        let signature = WebhookSigner.signatureHeader(secrets: [key], messageID: "msg_1", timestamp: timestamp, payload: payload)
        return ["\(prefix)-id": "msg_1", "\(prefix)-timestamp": String(timestamp), "\(prefix)-signature": signature]
    }

    func check(_ secrets: [String]? = nil, tolerance: Duration = .seconds(300), ignoresTimestamp: Bool = false) throws
        -> SignatureCheck
    {
        try SignatureCheck(
            secretTexts: secrets ?? [secretText],
            environment: [:],
            tolerance: tolerance,
            ignoresTimestamp: ignoresTimestamp
        )
    }

    func failure(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func headerFileSavedByCurlIsRead() throws {
        let text =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Webhook-Id: msg_1\r\nwebhook-timestamp:1700000000\r\nWebhook-Signature: v1,abc\r\n  v1,def\r\n\r\n"
        let headers = try HeaderLines.parse(text, source: "h.txt")
        #expect(
            headers == [
                "content-type": "application/json", "webhook-id": "msg_1", "webhook-timestamp": "1700000000",
                "webhook-signature": "v1,abc v1,def",
            ]
        )
    }

    @Test func requestLinesCommentsAndBlankLinesAreSkippedAndLaterHeadersWin() throws {
        let text = "# saved by a proxy\nPOST /hooks/orders HTTP/1.1\nwebhook-id: old\n\nWEBHOOK-ID: msg_2\nX-Odd: a: b\n"
        let headers = try HeaderLines.parse(text, source: "h.txt")
        #expect(headers == ["webhook-id": "msg_2", "x-odd": "a: b"])
    }

    @Test func lineThatIsNotAHeaderIsReportedWithItsNumber() throws {
        let message = failure { _ = try HeaderLines.parse("webhook-id: msg_1\nthis is not a header\n", source: "h.txt") }
        #expect(message == "line 2 of h.txt is not a 'Name: value' header")
        #expect(failure { _ = try HeaderLines.header("bad name: x", where: "--header") } != nil)
        #expect(try HeaderLines.header("Webhook-Id:  msg_1 ", where: "--header") == ("webhook-id", "msg_1"))
    }

    @Test func savedDeliveryVerifiesAndOneChangedByteFailsWithOneLine() throws {
        let headers = try signedHeaders(timestamp: Int64(now.timeIntervalSince1970))
        try Verify.verify(check(), headers: headers, payload: payload, now: now)

        var changed = payload
        changed[changed.count - 2] = UInt8(ascii: "2")
        let message = failure { try Verify.verify(try check(), headers: headers, payload: changed, now: now) }
        #expect(message?.hasPrefix("not verified: No webhook signature matches") == true)
        #expect(message?.contains("\n") == false)
    }

    @Test func wrongSecretFails() throws {
        let headers = try signedHeaders(timestamp: Int64(now.timeIntervalSince1970))
        let other = WebhookSecret.generateHMAC().encoded
        #expect(failure { try Verify.verify(try check([other]), headers: headers, payload: payload, now: now) } != nil)
    }

    @Test func oldDeliveryFailsOnItsTimestampUnlessTheTimestampIsIgnored() throws {
        let headers = try signedHeaders(timestamp: Int64(now.timeIntervalSince1970) - 86_400)
        let message = failure { try Verify.verify(try check(), headers: headers, payload: payload, now: now) }
        #expect(message?.contains("--ignore-timestamp") == true)
        try Verify.verify(check(ignoresTimestamp: true), headers: headers, payload: payload, now: now)
        try Verify.verify(check(tolerance: .seconds(86_400)), headers: headers, payload: payload, now: now)
    }

    @Test func ignoringTheTimestampStillChecksTheSignatureOverIt() throws {
        var headers = try signedHeaders(timestamp: Int64(now.timeIntervalSince1970) - 86_400)
        headers["webhook-timestamp"] = String(Int64(now.timeIntervalSince1970) - 86_399)
        #expect(
            failure { try Verify.verify(try check(ignoresTimestamp: true), headers: headers, payload: payload, now: now) } != nil)
    }

    @Test func svixHeadersAndEd25519PublicKeysVerify() throws {
        try Verify.verify(
            check(),
            headers: try signedHeaders(timestamp: Int64(now.timeIntervalSince1970), prefix: "svix"),
            payload: payload,
            now: now
        )
        let signing = WebhookSecret.generateEd25519()
        let headers = try signedHeaders(secret: signing.encoded, timestamp: Int64(now.timeIntervalSince1970))
        let publicKey = try #require(signing.publicKey).encoded
        #expect(publicKey.hasPrefix("whpk_"))
        try Verify.verify(check([publicKey]), headers: headers, payload: payload, now: now)
    }

    @Test func missingHeadersAreNamedAsTheReason() throws {
        let message = failure { try Verify.verify(try check(), headers: [:], payload: payload, now: now) }
        #expect(message == "not verified: The webhook id, timestamp or signature header is missing.")
    }

    @Test func secretComesFromTheEnvironmentWhenNoFlagIsGivenAndIsNeverEchoed() throws {
        let fromEnvironment = try SignatureCheck(secretTexts: [], environment: ["HERALD_LISTEN_SECRET": secretText])
        #expect(fromEnvironment.canVerify)
        #expect(try SignatureCheck(secretTexts: [], environment: [:]).canVerify == false)
        let bad = "whsec_notbase64!!!"
        let message = failure { _ = try SignatureCheck(secretTexts: [bad], environment: [:]) }
        #expect(message?.hasPrefix("--secret:") == true)
        #expect(message?.contains("notbase64") == false)
    }

    @Test func toleranceAcceptsCommonDurations() {
        #expect(Verify.seconds("300") == 300)
        #expect(Verify.seconds("30s") == 30)
        #expect(Verify.seconds("5m") == 300)
        #expect(Verify.seconds("1h") == 3600)
        #expect(Verify.seconds("250ms") == 0.25)
        #expect(Verify.seconds("five") == nil)
        #expect(Verify.seconds("-5s") == nil)
    }

    @Test func verifyRequiresAPayloadOption() {
        #expect(throws: (any Error).self) { try Verify.parse(["--secret", secretText]) }
    }
}
