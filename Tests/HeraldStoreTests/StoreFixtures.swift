import Foundation
import HeraldCore
import HeraldStore

/// The stores every conformance test runs against: SQLite always, PostgreSQL when `HERALD_TEST_DATABASE_URL`
/// names a reachable server (otherwise its cases are left out and one line says why; see ``PostgresTestServer``).
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// The kinds that can run here.
    static var allCases: [StoreKind] { PostgresTestServer.available == nil ? [.sqlite] : [.sqlite, .postgres] }

    var description: String { rawValue }
}

/// A fresh, empty store, removed after `body`: a SQLite file in a temporary directory (`body` gets its path), or
/// a PostgreSQL database of its own on the test server, migrated and running (`body` gets its URL).
func withStore<T>(_ kind: StoreKind, _ body: (any Store, String) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("herald.sqlite").path
        return try await body(try SQLiteStore(path: path, cipher: storeTestCipher), path)
    case .postgres:
        let server = try PostgresTestServer.required()
        return try await server.withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 1) { stores in try await body(stores[0], url) }
        }
    }
}

let fixedNow = Date(timeIntervalSince1970: 1_700_000_000)

func makeApplication(uid: String? = nil, name: String = "Acme", at now: Date = fixedNow) -> Application {
    Application(
        id: Identifier.make(prefix: Identifier.applicationPrefix, milliseconds: Int64(now.timeIntervalSince1970 * 1000)),
        uid: uid,
        name: name,
        createdAt: now,
        updatedAt: now
    )
}

func makeEndpoint(
    application: String,
    uid: String? = nil,
    eventTypes: [String]? = nil,
    channels: [String]? = nil,
    disabled: Bool = false
) -> Endpoint {
    Endpoint(
        id: Identifier.make(prefix: Identifier.endpointPrefix, milliseconds: Int64(Date().timeIntervalSince1970 * 1000)),
        applicationID: application,
        uid: uid,
        url: "https://example.com/hook",
        disabled: disabled,
        eventTypes: eventTypes,
        channels: channels,
        secrets: EndpointSecrets(current: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        createdAt: fixedNow,
        updatedAt: fixedNow
    )
}

func makeMessage(_ eventType: String = "user.created", eventID: String? = nil, channels: [String]? = nil) -> NewMessage {
    NewMessage(eventType: eventType, eventID: eventID, channels: channels, payload: Array(#"{"n": 1}"#.utf8))
}

/// Follows `iterator` from the first page to the last, collecting every item.
func collectAllPages<T>(limit: Int, order: PageRequest.Order = .ascending, _ fetch: (PageRequest) async throws -> Page<T>)
    async throws -> (items: [T], pages: Int)
{
    var items: [T] = []
    var iterator: String?
    var pages = 0
    repeat {
        let page = try await fetch(PageRequest(limit: limit, iterator: iterator, order: order))
        items += page.items
        iterator = page.iterator
        pages += 1
        if page.done { break }
    } while iterator != nil && pages < 1000
    return (items, pages)
}
