import Foundation
import Testing
import WebhookSignature

@Suite struct WebhookSecretParsingTests {
    @Test func parsesPrefixedHMACSecret() throws {
        let secret = try WebhookSecret(parsing: Vectors.Published.secret)
        #expect(secret.kind == .hmacSHA256)
        #expect(secret.encoded == Vectors.Published.secret)
    }

    @Test func unpaddedBase64IsEquivalentToPadded() throws {
        let padded = try WebhookSecret(parsing: Vectors.PythonHMAC.secret)
        let unpadded = try WebhookSecret(parsing: Vectors.PythonHMAC.unpaddedSecret)
        #expect(unpadded == padded)
        #expect(unpadded.encoded == Vectors.PythonHMAC.secret)
    }

    @Test func bareBase64IsReadAsHMACSecret() throws {
        let bare = try WebhookSecret(parsing: String(Vectors.Published.secret.dropFirst("whsec_".count)))
        #expect(bare.kind == .hmacSHA256)
        #expect(bare == (try WebhookSecret(parsing: Vectors.Published.secret)))
    }

    @Test func urlSafeAlphabetIsEquivalentToStandard() throws {
        let standard = try WebhookSecret(parsing: "whsec_" + String(repeating: "+/", count: 16))
        let urlSafe = try WebhookSecret(parsing: "whsec_" + String(repeating: "-_", count: 16))
        #expect(urlSafe == standard)
        #expect(urlSafe.encoded == standard.encoded)
    }

    @Test(arguments: [24, 64])
    func acceptsHMACSecretsAtTheLengthBounds(byteCount: Int) throws {
        let text = "whsec_" + Data(repeating: 7, count: byteCount).base64EncodedString()
        #expect(try WebhookSecret(parsing: text).encoded == text)
    }

    @Test(arguments: [
        "whsecret_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "sk_live_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "wsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ])
    func rejectsUnknownPrefix(text: String) {
        #expect(throws: WebhookSecretError.invalidPrefix) { try WebhookSecret(parsing: text) }
    }

    @Test(arguments: [
        "whsec_MfKQ9r8GKYqrTwjUPD8I*PZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=w",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA",
        "whpk_not base64 at all",
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",
    ])
    func rejectsInvalidBase64(text: String) {
        #expect(throws: WebhookSecretError.invalidBase64) { try WebhookSecret(parsing: text) }
    }

    @Test(arguments: [
        "whsec_",
        "whsec_" + Data(repeating: 1, count: 16).base64EncodedString(),
        "whsec_" + Data(repeating: 1, count: 23).base64EncodedString(),
        "whsec_" + Data(repeating: 1, count: 65).base64EncodedString(),
        Data(repeating: 1, count: 16).base64EncodedString(),
        "whsk_" + Data(repeating: 1, count: 31).base64EncodedString(),
        "whsk_" + Data(repeating: 1, count: 33).base64EncodedString(),
        "whpk_" + Data(repeating: 1, count: 64).base64EncodedString(),
    ])
    func rejectsWrongLength(text: String) {
        #expect(throws: WebhookSecretError.invalidLength) { try WebhookSecret(parsing: text) }
    }

    @Test func generatedHMACSecretHasTheRequestedLength() throws {
        for byteCount in [24, 32, 64] {
            let secret = WebhookSecret.generateHMAC(byteCount: byteCount)
            #expect(secret.kind == .hmacSHA256)
            #expect(secret.encoded.hasPrefix("whsec_"))
            let decoded = try #require(Data(base64Encoded: String(secret.encoded.dropFirst("whsec_".count))))
            #expect(decoded.count == byteCount)
            #expect(try WebhookSecret(parsing: secret.encoded) == secret)
        }
        #expect(WebhookSecret.generateHMAC().encoded.count == "whsec_".count + 32)
    }

    @Test func generatedSecretsDiffer() {
        #expect(WebhookSecret.generateHMAC() != WebhookSecret.generateHMAC())
        #expect(WebhookSecret.generateEd25519() != WebhookSecret.generateEd25519())
    }

    @Test func equalSecretsCollapseInASet() throws {
        let secrets: Set = [
            try WebhookSecret(parsing: Vectors.PythonHMAC.secret),
            try WebhookSecret(parsing: Vectors.PythonHMAC.unpaddedSecret),
            try WebhookSecret(parsing: Vectors.Published.secret),
        ]
        #expect(secrets.count == 2)
    }

    @Test func hmacSecretHasNoPublicKey() throws {
        #expect(try WebhookSecret(parsing: Vectors.Published.secret).publicKey == nil)
    }

    @Test func errorDescriptionsAreSentencesWithoutTheSecret() {
        let bad = "whsec_MfKQ9r8GKYqrTwjUPD8I*PZIo2LaLaSw"
        do {
            _ = try WebhookSecret(parsing: bad)
            Issue.record("parsing should have failed")
        } catch {
            #expect(error == .invalidBase64)
            #expect(!error.description.contains("MfKQ"))
            #expect(error.description.hasSuffix("."))
        }
    }
}
