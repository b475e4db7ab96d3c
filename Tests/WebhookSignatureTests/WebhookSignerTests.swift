import Foundation
import Testing
import WebhookSignature

@Suite struct WebhookSignerTests {
    @Test func publishedVectorSignsToThePublishedSignature() throws {
        let vector = Vectors.Published.self
        let signature = WebhookSigner.signature(
            secret: try WebhookSecret(parsing: vector.secret),
            messageID: vector.messageID,
            timestamp: vector.timestamp,
            payload: vector.payload
        )
        #expect(signature == vector.signature)
    }

    @Test func hmacSignatureMatchesPythonStandardLibrary() throws {
        let vector = Vectors.PythonHMAC.self
        for text in [vector.secret, vector.unpaddedSecret] {
            let signature = WebhookSigner.signature(
                secret: try WebhookSecret(parsing: text),
                messageID: vector.messageID,
                timestamp: vector.timestamp,
                payload: vector.payload
            )
            #expect(signature == vector.signature)
        }
    }

    @Test func ed25519SignatureMatchesPythonCryptography() throws {
        let vector = Vectors.PythonEd25519.self
        let signature = WebhookSigner.signature(
            secret: try WebhookSecret(parsing: vector.signingKey),
            messageID: vector.messageID,
            timestamp: vector.timestamp,
            payload: vector.payload
        )
        #expect(signature == vector.signature)
    }

    @Test func anyByteCollectionSignsTheSame() throws {
        let vector = Vectors.Published.self
        let secret = try WebhookSecret(parsing: vector.secret)
        let text = #"{"test": 2432232314}"#
        func sign(_ payload: some Collection<UInt8>) -> String? {
            WebhookSigner.signature(
                secret: secret, messageID: vector.messageID, timestamp: vector.timestamp, payload: payload)
        }
        #expect(sign(Data(text.utf8)) == vector.signature)
        #expect(sign(text.utf8) == vector.signature)
        #expect(sign(("xx" + text).utf8.dropFirst(2)) == vector.signature)
    }

    @Test func publicKeyCannotSign() throws {
        let signature = WebhookSigner.signature(
            secret: try WebhookSecret(parsing: Vectors.PythonEd25519.publicKey),
            messageID: "msg_1",
            timestamp: 1,
            payload: [UInt8]()
        )
        #expect(signature == nil)
    }

    @Test func headerListsEverySigningSecretInOrderAndSkipsPublicKeys() throws {
        let vector = Vectors.PythonEd25519.self
        let hmac = try WebhookSecret(parsing: Vectors.PythonHMAC.secret)
        let signing = try WebhookSecret(parsing: vector.signingKey)
        let header = WebhookSigner.signatureHeader(
            secrets: [signing, try #require(signing.publicKey), hmac],
            messageID: vector.messageID,
            timestamp: vector.timestamp,
            payload: vector.payload
        )
        let hmacSignature = WebhookSigner.signature(
            secret: hmac, messageID: vector.messageID, timestamp: vector.timestamp, payload: vector.payload)
        #expect(header == "\(vector.signature) \(try #require(hmacSignature))")
    }

    @Test func headerIsEmptyWhenNoSecretCanSign() throws {
        let header = WebhookSigner.signatureHeader(
            secrets: [try WebhookSecret(parsing: Vectors.PythonEd25519.publicKey)],
            messageID: "msg_1",
            timestamp: 1,
            payload: [UInt8]()
        )
        #expect(header.isEmpty)
    }
}
