import Testing
import WebhookSignature

@testable import HeraldDelivery

@Suite struct ParsedSecretsTests {
    @Test func aSecretParsesAsItsTextSaysAndAgainFromTheCache() throws {
        let secrets = ParsedSecrets(capacity: 2)
        let text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let expected = try WebhookSecret(parsing: text)
        let payload = Array(#"{"test": 2432232314}"#.utf8)
        for _ in 1...2 {
            let secret = try #require(secrets.secret(text))
            let header = WebhookSigner.signatureHeader(
                secrets: [secret], messageID: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, payload: payload)
            #expect(header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
            #expect(secret == expected)
        }
    }

    @Test func textThatIsNoSecretGivesNothingAndAFullCacheStartsOver() throws {
        let secrets = ParsedSecrets(capacity: 2)
        #expect(secrets.secret("whsec_not base64!") == nil)
        let texts = (0..<3).map { _ in WebhookSecret.generateHMAC().encoded }
        for text in texts + texts {
            #expect(secrets.secret(text) == (try WebhookSecret(parsing: text)))
        }
    }
}
