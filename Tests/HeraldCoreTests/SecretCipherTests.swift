import Foundation
import HeraldCore
import Testing

@Suite struct SecretCipherTests {
    let cipher = SecretCipher.random()

    @Test func sealedTextOpensToTheOriginalAndNeverContainsIt() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ünïcødé"
        let sealed = try cipher.seal(secret, context: "endpoint.secrets:ep_1")
        #expect(sealed.hasPrefix("enc:v1:\(cipher.keyID):"))
        #expect(!sealed.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(try cipher.open(sealed, context: "endpoint.secrets:ep_1") == secret)
        #expect(try cipher.open(cipher.seal("")) == "")
    }

    @Test func sealingTheSameTextTwiceGivesDifferentCiphertexts() throws {
        #expect(try cipher.seal("same") != cipher.seal("same"))
    }

    @Test func anAlteredCiphertextIsRefused() throws {
        let sealed = try SecretCipher.Envelope(parsing: cipher.seal("whsec_abc"))
        for index in [0, 12, sealed.sealed.count - 1] {  // nonce, ciphertext, tag
            var altered = sealed
            altered.sealed[index] ^= 0x01
            let error = #expect(throws: SecretCipherError.self) { try cipher.open(altered.description) }
            #expect(error?.isAuthenticationFailure == true)
        }
    }

    @Test func aValueOpenedWithAnotherContextIsRefused() throws {
        let sealed = try cipher.seal("whsec_abc", context: "endpoint.secrets:ep_1")
        let error = #expect(throws: SecretCipherError.self) { try cipher.open(sealed, context: "endpoint.secrets:ep_2") }
        #expect(error?.isAuthenticationFailure == true)
    }

    @Test func anotherKeyIsRefusedNamingBothKeyIDs() throws {
        let other = SecretCipher.random()
        #expect(other.keyID != cipher.keyID)
        let sealed = try cipher.seal("whsec_abc")
        let error = #expect(throws: SecretCipherError.self) { try other.open(sealed) }
        #expect(error?.isWrongKey == true)
        #expect(error?.description.contains(cipher.keyID) == true)
        #expect(error?.description.contains(other.keyID) == true)
    }

    @Test func theSameKeyTextGivesTheSameKeyAndKeyID() throws {
        let text = SecretCipher.makeBase64Key()
        #expect(Data(base64Encoded: text)?.count == 32)
        let first = try SecretCipher(base64Key: text)
        let second = try SecretCipher(base64Key: " \(text)\n")
        #expect(first.keyID == second.keyID)
        #expect(first.keyID.count == 8 && first.keyID.allSatisfy(\.isHexDigit))
        #expect(try second.open(first.seal("whsk_x")) == "whsk_x")
    }

    @Test(arguments: [
        Data(repeating: 1, count: 16).base64EncodedString(),
        Data(repeating: 1, count: 31).base64EncodedString(),
        Data(repeating: 1, count: 33).base64EncodedString(),
        "",
        "not base64 at all!",
    ])
    func keysThatAreNotBase64Of32BytesAreRefused(text: String) {
        let error = #expect(throws: SecretCipherError.self) { try SecretCipher(base64Key: text) }
        #expect(error?.isInvalidKey == true)
        #expect(error?.description.contains("32 bytes") == true)
    }

    @Test func envelopesParseIntoVersionKeyIDAndSealedBytes() throws {
        let sealed = try cipher.seal("whsec_abc")
        let envelope = try SecretCipher.Envelope(parsing: sealed)
        #expect(envelope.version == "v1")
        #expect(envelope.keyID == cipher.keyID)
        #expect(envelope.sealed.count == 12 + "whsec_abc".utf8.count + 16)
        #expect(envelope.description == sealed)
        #expect(SecretCipher.isSealed(sealed))
        #expect(!SecretCipher.isSealed(#"{"current":"whsec_abc"}"#))
    }

    @Test(arguments: [
        #"{"current":"whsec_abc"}"#,
        "enc:v1:0011aabb",
        "enc:v1:0011aabb:",
        "enc:v1:0011aabb:not*base64",
        "enc:v1:xyz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "enc:v1:0011aabb:AAAA",
    ])
    func malformedEnvelopesAreRefused(text: String) {
        let error = #expect(throws: SecretCipherError.self) { try SecretCipher.Envelope(parsing: text) }
        #expect(error?.isMalformed == true)
    }

    @Test func anUnknownEnvelopeVersionIsNamed() {
        let error = #expect(throws: SecretCipherError.self) {
            try SecretCipher.Envelope(parsing: "enc:v9:0011aabb:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        }
        #expect(error?.isMalformed == true)
        #expect(error?.description.contains("v9") == true)
    }
}
