import Foundation
import HeraldCore
import HeraldStore
import Testing

@testable import herald

/// Where the main key comes from: `HERALD_MAIN_KEY`, else `<data-dir>/main.key`, made once with mode 0600.
@Suite struct MainKeyTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func permissions(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    func insertEndpoint(_ store: SQLiteStore, secret: String) async throws {
        let now = Date()
        let app = try await store.insertApplication(
            Application(
                id: Identifier.make(prefix: "app_", milliseconds: 1), uid: "acme", name: "Acme", createdAt: now, updatedAt: now))
        _ = try await store.insertEndpoint(
            Endpoint(
                id: Identifier.make(prefix: "ep_", milliseconds: 1), applicationID: app.id, uid: "hook",
                url: "https://example.com/hook",
                secrets: EndpointSecrets(current: secret), createdAt: now, updatedAt: now))
    }

    @Test func firstStartMakesAPrivateKeyFileThatLaterStartsReuse() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = try StoreOptions.parse(["--data-dir", directory])
        let keyPath = directory + "/main.key"
        try await insertEndpoint(try options.openStore(environment: [:]), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(try permissions(keyPath) == 0o600)
        let text = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)

        let reopened = try options.openStore(environment: [:])
        #expect(
            try await reopened.endpoint(application: "acme", "hook").secrets.current == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == text)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("main.key") } == ["main.key"])
    }

    @Test func processesStartingTogetherShareOneKey() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let results = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let (cipher, created) = try MainKeyFile(dataDirectory: directory).loadOrCreate()
                    return (cipher.keyID, created)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.0)).count == 1)
        #expect(results.filter(\.1).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["main.key"])
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aKeyFileOthersCanReadIsRefused(mode: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = try StoreOptions.parse(["--data-dir", directory])
        _ = try options.openStore(environment: [:])
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: directory + "/main.key")
        let error = #expect(throws: CommandFailure.self) { try options.openStore(environment: [:]) }
        #expect(error?.description.contains("main.key is readable by group or others") == true)
        #expect(error?.description.contains("chmod 600") == true)
    }

    @Test(arguments: ["", "hello", Data(repeating: 7, count: 16).base64EncodedString()])
    func aKeyFileWithBadContentIsRefused(content: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyPath = directory + "/main.key"
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600])
        let error = #expect(throws: CommandFailure.self) {
            try StoreOptions.parse(["--data-dir", directory]).openStore(environment: [:])
        }
        #expect(error?.description.contains("does not hold a valid main key") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func theEnvironmentKeyWinsAndAnotherKeyIsRefused() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = try StoreOptions.parse(["--data-dir", directory])
        let key = SecretCipher.makeBase64Key()
        try await insertEndpoint(
            try options.openStore(environment: ["HERALD_MAIN_KEY": key]), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(!FileManager.default.fileExists(atPath: directory + "/main.key"))
        #expect(
            try await options.openStore(environment: ["HERALD_MAIN_KEY": key]).endpoint(application: "acme", "hook").uid == "hook"
        )

        let wrong = #expect(throws: CommandFailure.self) {
            try options.openStore(environment: ["HERALD_MAIN_KEY": SecretCipher.makeBase64Key()])
        }
        #expect(wrong?.description.contains("the main key from HERALD_MAIN_KEY does not open the endpoint secrets") == true)
        let malformed = #expect(throws: CommandFailure.self) {
            try options.openStore(environment: ["HERALD_MAIN_KEY": "c2hvcnQ="])
        }
        #expect(malformed?.description.hasPrefix("HERALD_MAIN_KEY: the main key must be exactly 32 bytes") == true)

        // The flag wins over the environment.
        let flagged = try StoreOptions.parse(["--data-dir", directory, "--main-key", key])
        let store = try flagged.openStore(environment: ["HERALD_MAIN_KEY": SecretCipher.makeBase64Key()])
        #expect(try await store.endpoint(application: "acme", "hook").uid == "hook")

        // Without the variable, a fresh key file would not open these secrets: refused, and no useless key is left.
        let missing = #expect(throws: CommandFailure.self) { try options.openStore(environment: [:]) }
        #expect(missing?.description.contains("main.key is missing") == true)
        #expect(!FileManager.default.fileExists(atPath: directory + "/main.key"))
    }
}
