import Foundation
import Testing
import WebhookSignature

@Suite struct Ed25519Tests {
    let messageID = "msg_2Lh9KRb0pzN4LePd3XcVaq"
    let timestamp: Int64 = 1_700_000_000
    let payload = Array(#"{"type":"invoice.paid"}"#.utf8)
    var now: Date { Date(timeIntervalSince1970: TimeInterval(timestamp)) }

    private func sign(_ secret: WebhookSecret) throws -> String {
        try #require(
            WebhookSigner.signature(secret: secret, messageID: messageID, timestamp: timestamp, payload: payload))
    }

    private func verify(_ header: String, with secrets: [WebhookSecret], payload: [UInt8]? = nil) throws {
        try WebhookVerifier(secrets: secrets).verify(
            messageID: messageID, timestamp: String(timestamp), signatureHeader: header,
            payload: payload ?? self.payload, now: now)
    }

    @Test func generatedKeySignsV1aThatItsPublicKeyVerifies() throws {
        let key = WebhookSecret.generateEd25519()
        #expect(key.kind == .ed25519Signing)
        let signature = try sign(key)
        #expect(signature.hasPrefix("v1a,"))
        let publicKey = try #require(key.publicKey)
        #expect(publicKey.kind == .ed25519Public)
        try verify(signature, with: [publicKey])
        try verify(signature, with: [key])
    }

    @Test func tamperedPayloadFails() throws {
        let key = WebhookSecret.generateEd25519()
        var tampered = payload
        tampered[0] ^= 0x20
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verify(try sign(key), with: [try #require(key.publicKey)], payload: tampered)
        }
    }

    @Test func otherPublicKeyFails() throws {
        let signature = try sign(WebhookSecret.generateEd25519())
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verify(signature, with: [try #require(WebhookSecret.generateEd25519().publicKey)])
        }
    }

    @Test func hmacSecretDoesNotVerifyV1aEntry() throws {
        let signature = try sign(WebhookSecret.generateEd25519())
        let hmacSignedAsV1a = "v1a," + (try sign(try WebhookSecret(parsing: Vectors.PythonHMAC.secret))).dropFirst(3)
        let hmac = try WebhookSecret(parsing: Vectors.PythonHMAC.secret)
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(signature, with: [hmac]) }
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(hmacSignedAsV1a, with: [hmac]) }
    }

    @Test func publicKeyDoesNotVerifyV1Entry() throws {
        let key = WebhookSecret.generateEd25519()
        let v1 = "v1," + (try sign(key)).dropFirst(4)
        #expect(throws: WebhookVerificationError.noMatchingSignature) { try verify(v1, with: [key]) }
    }

    @Test func pythonSignatureVerifiesWithParsedPublicKey() throws {
        let vector = Vectors.PythonEd25519.self
        try verify(vector.signature, with: [try WebhookSecret(parsing: vector.publicKey)])
    }

    @Test func mixedHeaderVerifiesWithEitherKindOfSecret() throws {
        let ed = WebhookSecret.generateEd25519()
        let hmac = WebhookSecret.generateHMAC()
        let header = WebhookSigner.signatureHeader(
            secrets: [hmac, ed], messageID: messageID, timestamp: timestamp, payload: payload)
        try verify(header, with: [hmac])
        try verify(header, with: [try #require(ed.publicKey)])
    }

    @Test func encodedKeysParseBackToEqualKeys() throws {
        let key = WebhookSecret.generateEd25519()
        let publicKey = try #require(key.publicKey)
        #expect(key.encoded.hasPrefix("whsk_"))
        #expect(publicKey.encoded.hasPrefix("whpk_"))
        #expect(try WebhookSecret(parsing: key.encoded) == key)
        #expect(try WebhookSecret(parsing: publicKey.encoded) == publicKey)
        #expect(key != publicKey)
    }

    @Test func publicKeyOfSigningKeyMatchesPython() throws {
        let vector = Vectors.PythonEd25519.self
        let key = try WebhookSecret(parsing: vector.signingKey)
        #expect(key.encoded == vector.signingKey)
        #expect(key.publicKey?.encoded == vector.publicKey)
        #expect(key.publicKey == (try WebhookSecret(parsing: vector.publicKey)))
    }

    @Test func publicKeyOfPublicKeyIsItself() throws {
        let publicKey = try WebhookSecret(parsing: Vectors.PythonEd25519.publicKey)
        #expect(publicKey.publicKey == publicKey)
    }

    @Test func signingKeyMayCarryItsPublicKey() throws {
        let vector = Vectors.PythonEd25519.self
        let key = try WebhookSecret(parsing: vector.signingKeyWithPublicKey)
        #expect(key == (try WebhookSecret(parsing: vector.signingKey)))
        #expect(key.encoded == vector.signingKey)
    }

    @Test func signingKeyWithWrongPublicHalfIsRejected() throws {
        let seed = Data(base64Encoded: String(Vectors.PythonEd25519.signingKey.dropFirst("whsk_".count)))!
        let text = "whsk_" + (seed + Data(repeating: 9, count: 32)).base64EncodedString()
        #expect(throws: WebhookSecretError.mismatchedPublicKey) { try WebhookSecret(parsing: text) }
    }
}
