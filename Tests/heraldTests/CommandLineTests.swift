import Foundation
import HeraldCore
import HeraldStore
import Testing

@testable import herald

@Suite struct CommandLineTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func issuedTokenIsStoredOnlyAsItsHash() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = try StoreOptions.parse(["--data-dir", directory])
        let store = try options.openStore()
        let token = try await TokenIssuer.issue(name: "test", store: store)
        #expect(token.hasPrefix(APITokenSecret.prefix))
        #expect(try await store.token(hash: APITokenSecret.hash(token))?.name == "test")
        try await store.checkpoint()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "token found in \(file)")
        }
    }

    @Test func dataDirectoryIsCreatedPrivate() throws {
        let parent = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/nested/data"
        _ = try StoreOptions.parse(["--data-dir", directory]).openStore()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(FileManager.default.fileExists(atPath: directory + "/herald.sqlite"))
    }

    @Test func dataDirectoryFlagWinsOverTheDefault() throws {
        #expect(try StoreOptions.parse(["--data-dir", "/tmp/x"]).resolvedDataDir == "/tmp/x")
    }

    @Test func anUnreachablePostgresServerFailsWithOneLineInsteadOfWaiting() async throws {
        let options = try StoreOptions.parse([])
        let values = try options.settings(environment: [
            "HERALD_DATABASE_URL": "postgres://herald@127.0.0.1:1/herald?connect_timeout=1",
            "HERALD_MAIN_KEY": SecretCipher.makeBase64Key(),
        ])
        let error = await #expect(throws: CommandFailure.self) {
            try await options.withStore(values, logger: .quiet) { _ in }
        }
        #expect(error?.description.hasPrefix("cannot reach PostgreSQL at 127.0.0.1:1") == true)
    }

    @Test func postgresWithoutAMainKeyIsRefused() async throws {
        let options = try StoreOptions.parse([])
        let values = try options.settings(environment: ["HERALD_DATABASE_URL": "postgres://herald@127.0.0.1:1/herald"])
        let error = await #expect(throws: CommandFailure.self) {
            try await options.withStore(values, logger: .quiet) { _ in }
        }
        #expect(error?.description.hasPrefix("HERALD_MAIN_KEY must be set with HERALD_DATABASE_URL") == true)
    }
}
