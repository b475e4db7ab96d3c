import Testing
import WebhookSignature

@Suite struct WebhookSecretDescriptionTests {
    static let secrets: [WebhookSecret] = [
        WebhookSecret.generateHMAC(),
        WebhookSecret.generateEd25519(),
        WebhookSecret.generateEd25519().publicKey!,
    ]

    @Test func descriptionNamesOnlyTheKind() throws {
        #expect(try WebhookSecret(parsing: Vectors.Published.secret).description == "WebhookSecret(hmacSHA256)")
        #expect(
            Self.secrets.map(\.description) == [
                "WebhookSecret(hmacSHA256)", "WebhookSecret(ed25519Signing)", "WebhookSecret(ed25519Public)",
            ])
    }

    @Test(arguments: secrets)
    func noTextualFormRevealsTheKey(secret: WebhookSecret) {
        let keyText = String(secret.encoded.drop(while: { $0 != "_" }).dropFirst().prefix(16))
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [secret.description, "\(secret)", String(reflecting: secret), dumped, "\([secret])"] {
            #expect(!text.contains(keyText))
            #expect(!text.contains(secret.encoded))
        }
    }
}
