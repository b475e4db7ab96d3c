import Foundation
import Testing
import WebhookSignature

@Suite struct WebhookVerifierTests {
    typealias Vector = Vectors.Published
    let verifier: WebhookVerifier
    let signedAt = Date(timeIntervalSince1970: TimeInterval(Vector.timestamp))

    init() throws {
        verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: Vector.secret)])
    }

    private func verify(
        with verifier: WebhookVerifier? = nil,
        messageID: String = Vector.messageID,
        timestamp: String = String(Vector.timestamp),
        signatureHeader: String = Vector.signature,
        payload: [UInt8] = Vector.payload,
        now: Date? = nil
    ) throws(WebhookVerificationError) {
        try (verifier ?? self.verifier).verify(
            messageID: messageID,
            timestamp: timestamp,
            signatureHeader: signatureHeader,
            payload: payload,
            now: now ?? signedAt
        )
    }

    @Test func publishedVectorVerifiesAtItsTimestamp() throws {
        try verify()
    }

    @Test func signatureWithChangedLastCharacterIsRejected() {
        let signature = String(Vector.signature.dropLast()) + "A"
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(signatureHeader: signature) }
    }

    @Test func signatureWithOneFlippedByteIsRejected() {
        // "…1OE=" to "…1OI=": still canonical base64, now with a different final byte.
        let signature = String(Vector.signature.dropLast(2)) + "I="
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(signatureHeader: signature) }
    }

    @Test func bodyChangedByOneByteIsRejected() {
        var payload = Vector.payload
        payload[payload.count - 2] ^= 1
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(payload: payload) }
    }

    @Test func changedMessageIDIsRejected() {
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(messageID: "msg_other") }
    }

    @Test func changedTimestampIsRejectedEvenWithinTolerance() {
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verify(timestamp: String(Vector.timestamp + 1))
        }
    }

    @Test func otherSecretDoesNotVerify() {
        let stranger = WebhookVerifier(secrets: [WebhookSecret.generateHMAC()])
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(with: stranger) }
    }

    @Test func verifierWithoutSecretsAcceptsNothing() {
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verify(with: WebhookVerifier(secrets: []))
        }
    }

    @Test func pythonComputedSignatureVerifies() throws {
        let vector = Vectors.PythonHMAC.self
        let verifier = WebhookVerifier(secrets: [try WebhookSecret(parsing: vector.unpaddedSecret)])
        try verifier.verify(
            messageID: vector.messageID,
            timestamp: String(vector.timestamp),
            signatureHeader: vector.signature,
            payload: vector.payload,
            now: Date(timeIntervalSince1970: TimeInterval(vector.timestamp))
        )
    }

    @Test func unknownVersionBesideAValidV1Passes() throws {
        try verify(signatureHeader: "v2,xxx \(Vector.signature)")
        try verify(signatureHeader: "v1a,AAAA  v0,\(Vector.signature.dropFirst(3))   \(Vector.signature) v2,xxx")
    }

    @Test(arguments: [
        "v2,xxx",
        "v1,",
        "v1,not-base64!",
        "v1,AAAA v1,g0hM9SsE v1a,zzzz v2,\(Vector.signature.dropFirst(3))",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v1:g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ])
    func headerWithOnlyInvalidEntriesFails(header: String) {
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(signatureHeader: header) }
    }

    @Test func rotatedSecretsEachVerifyAHeaderSignedWithBoth() throws {
        let previous = try WebhookSecret(parsing: Vector.secret)
        let current = WebhookSecret.generateHMAC(byteCount: 32)
        let header = WebhookSigner.signatureHeader(
            secrets: [current, previous],
            messageID: Vector.messageID,
            timestamp: Vector.timestamp,
            payload: Vector.payload
        )
        #expect(header.split(separator: " ").count == 2)
        try verify(with: WebhookVerifier(secrets: [previous]), signatureHeader: header)
        try verify(with: WebhookVerifier(secrets: [current]), signatureHeader: header)
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verify(with: WebhookVerifier(secrets: [WebhookSecret.generateHMAC()]), signatureHeader: header)
        }
    }

    @Test func verifierWithOldAndNewSecretsAcceptsEitherSignature() throws {
        let next = WebhookSecret.generateHMAC()
        let verifier = WebhookVerifier(secrets: [next, try WebhookSecret(parsing: Vector.secret)])
        try verify(with: verifier)
        let signedWithNext = try #require(
            WebhookSigner.signature(
                secret: next, messageID: Vector.messageID, timestamp: Vector.timestamp, payload: Vector.payload))
        try verify(with: verifier, signatureHeader: signedWithNext)
    }

    @Test(arguments: [
        ("", String(Vectors.Published.timestamp), Vectors.Published.signature),
        (Vectors.Published.messageID, "", Vectors.Published.signature),
        (Vectors.Published.messageID, String(Vectors.Published.timestamp), ""),
        (Vectors.Published.messageID, String(Vectors.Published.timestamp), "   "),
    ])
    func emptyHeaderIsMissing(messageID: String, timestamp: String, signature: String) {
        #expect(throws: WebhookVerificationError.missingHeader) {
            try verify(messageID: messageID, timestamp: timestamp, signatureHeader: signature)
        }
    }
}
