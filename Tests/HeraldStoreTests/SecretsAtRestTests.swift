import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStore

/// Endpoint secrets and custom headers never reach the SQLite files in the clear.
@Suite struct SecretsAtRestTests {
    static let hmacSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let ed25519Secret = "whsk_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="
    static let retiredSecret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
    static let headerValue = "Bearer sekrit-4f1c9a2e7b"

    /// Every secret as the files could betray it: the text, its base64 key part, and the decoded key bytes.
    static var forbiddenNeedles: [(String, Data)] {
        var needles: [(String, Data)] = [("header value", Data(headerValue.utf8))]
        for secret in [hmacSecret, ed25519Secret, retiredSecret] {
            let encoded = String(secret.drop(while: { $0 != "_" }).dropFirst())
            needles.append((secret, Data(secret.utf8)))
            needles.append(("base64 of \(secret)", Data(encoded.utf8)))
            needles.append(("key bytes of \(secret)", Data(base64Encoded: encoded)!))
        }
        return needles
    }

    func temporaryDatabase() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("herald.sqlite").path)
    }

    func endpoints(application: String) -> [Endpoint] {
        var hmac = makeEndpoint(application: application, uid: "hmac")
        hmac.secrets = EndpointSecrets(
            current: Self.hmacSecret,
            retired: [.init(key: Self.retiredSecret, expiresAt: fixedNow.addingTimeInterval(86_400))]
        )
        hmac.headers = ["Authorization": Self.headerValue]
        var ed25519 = makeEndpoint(application: application, uid: "ed25519")
        ed25519.secrets = EndpointSecrets(current: Self.ed25519Secret)
        ed25519.headers = ["X-Api-Key": Self.headerValue]
        return [hmac, ed25519]
    }

    /// The bytes of the database, its write-ahead log and its shared-memory index, as far as they exist.
    func files(_ path: String) throws -> [(name: String, bytes: Data)] {
        try ["", "-wal", "-shm"].compactMap { suffix in
            guard FileManager.default.fileExists(atPath: path + suffix) else { return nil }
            return ("herald.sqlite" + suffix, try Data(contentsOf: URL(fileURLWithPath: path + suffix)))
        }
    }

    func expectNoSecrets(in path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = try files(path)
        let all = files.reduce(Data()) { $0 + $1.bytes }
        // The scan finds what is stored in the clear, so not finding the secrets means something.
        #expect(all.range(of: Data("https://example.com/hook".utf8)) != nil, sourceLocation: sourceLocation)
        for (name, bytes) in files {
            for (what, needle) in Self.forbiddenNeedles {
                #expect(bytes.range(of: needle) == nil, "\(what) found in \(name)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func secretsAndHeadersAreSealedInTheDatabaseItsLogAndAfterACheckpoint() async throws {
        let (directory, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try SQLiteStore(path: path, cipher: storeTestCipher)
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            for endpoint in endpoints(application: app.id) { _ = try await store.insertEndpoint(endpoint) }
            _ = try await store.updateEndpoint(application: "acme", "hmac") { $0.description = "rotated copy" }
            // Before any checkpoint the rows live in the write-ahead log.
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path + "-wal")).count > 0)
            try expectNoSecrets(in: path)
            try await store.checkpoint()
            try expectNoSecrets(in: path)
        }
        // Closed: SQLite folds the log into the file.
        try expectNoSecrets(in: path)
    }

    @Test func reopeningWithTheSameKeyReadsSecretsAndHeadersBack() async throws {
        let (directory, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stored: [Endpoint]
        do {
            let store = try SQLiteStore(path: path, cipher: storeTestCipher)
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            stored = try await endpoints(application: app.id).asyncMap { try await store.insertEndpoint($0) }
        }
        let reopened = try SQLiteStore(path: path, cipher: storeTestCipher)
        for endpoint in stored {
            let read = try await reopened.endpoint(application: "acme", endpoint.id)
            #expect(read.secrets == endpoint.secrets)
            #expect(read.headers == endpoint.headers)
            #expect(try await reopened.endpointForDelivery(endpoint.id).0.secrets.current == endpoint.secrets.current)
        }
    }

    @Test func reopeningWithAnotherKeyFailsNamingTheKeys() async throws {
        let (directory, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try SQLiteStore(path: path, cipher: storeTestCipher)
            let app = try await store.insertApplication(makeApplication())
            _ = try await store.insertEndpoint(endpoints(application: app.id)[0])
        }
        let other = SecretCipher.random()
        let error = #expect(throws: SecretCipherError.self) { try SQLiteStore(path: path, cipher: other) }
        #expect(error?.isWrongKey == true)
        #expect(error?.description.contains(other.keyID) == true)
        #expect(error?.description.contains(storeTestCipher.keyID) == true)
        // A database without endpoints opens with any key.
        let (emptyDirectory, emptyPath) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: emptyDirectory) }
        _ = try SQLiteStore(path: emptyPath, cipher: storeTestCipher)
        _ = try SQLiteStore(path: emptyPath, cipher: other)
    }

    @Test func aSealedColumnMovedToAnotherEndpointDoesNotOpen() async throws {
        try await withStore(.sqlite) { store, path in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let (first, second) = (endpoints(application: app.id)[0], endpoints(application: app.id)[1])
            _ = try await store.insertEndpoint(first)
            _ = try await store.insertEndpoint(second)
            let writer = try DatabaseQueue(path: path)
            try await writer.write { db in
                try db.execute(
                    sql: "UPDATE endpoint SET secrets = (SELECT secrets FROM endpoint WHERE id = ?) WHERE id = ?",
                    arguments: [first.id, second.id]
                )
            }
            let error = await #expect(throws: SecretCipherError.self) {
                try await store.endpoint(application: "acme", second.id)
            }
            #expect(error?.isAuthenticationFailure == true)
        }
    }

    @Test func aDatabaseWrittenBeforeEncryptionIsSealedOnOpen() async throws {
        let (directory, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = endpoints(application: "app_legacy")[0]
        do {
            // The schema and rows as a version before encryption wrote them: plaintext JSON columns.
            let legacy = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(legacy, upTo: "v1-foundation")
            try await legacy.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO application (id, name, metadata, created_at, updated_at)
                        VALUES ('app_legacy', 'Legacy', '{}', 0, 0)
                        """
                )
                try db.execute(
                    sql: """
                        INSERT INTO endpoint (id, app_id, url, description, disabled, metadata, headers, secrets,
                            created_at, updated_at)
                        VALUES (?, 'app_legacy', 'https://example.com/hook', '', 0, '{}', ?, ?, 0, 0)
                        """,
                    arguments: [endpoint.id, try Self.legacyJSON(endpoint.headers), try Self.legacyJSON(endpoint.secrets)]
                )
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(Self.hmacSecret.utf8)) != nil)
        }
        let store = try SQLiteStore(path: path, cipher: storeTestCipher)
        let read = try await store.endpoint(application: "app_legacy", endpoint.id)
        #expect(read.secrets == endpoint.secrets)
        #expect(read.headers == endpoint.headers)
        try expectNoSecrets(in: path)
        try await store.checkpoint()
        try expectNoSecrets(in: path)
        // Sealed once: the next open finds nothing to seal and reads the same secrets.
        let reopened = try SQLiteStore(path: path, cipher: storeTestCipher)
        #expect(try await reopened.endpoint(application: "app_legacy", endpoint.id).secrets == endpoint.secrets)
    }

    /// A column value as versions before encryption wrote it.
    static func legacyJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
