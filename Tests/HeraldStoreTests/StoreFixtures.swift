import Foundation
import HeraldCore
import HeraldStore

/// The stores every conformance test runs against. PostgreSQL joins this list when its backend exists.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    var description: String { rawValue }
}

/// A fresh store in a temporary directory, removed after `body`.
func withStore<T>(_ kind: StoreKind, _ body: (any Store, String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("herald.sqlite").path
    switch kind {
    case .sqlite:
        return try await body(try SQLiteStore(path: path), path)
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
