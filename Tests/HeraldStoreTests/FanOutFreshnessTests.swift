import Foundation
import HeraldCore
import HeraldStore
import Testing

/// The SQLite writer keeps each application's endpoints from one transaction to the next; a message must still go
/// to exactly the endpoints that match when it is created, whoever changed them.
@Suite struct FanOutFreshnessTests {
    private static func destinations(_ store: any Store, _ app: String, _ message: Message) async throws -> Set<String> {
        let page = try await store.messageDestinations(application: app, message: message.id, PageRequest(order: .ascending))
        return Set(page.items.map(\.endpoint.id))
    }

    @Test(arguments: StoreKind.allCases)
    func fanOutFollowsEveryEndpointChangeMadeHere(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let first = try await store.insertEndpoint(makeEndpoint(application: app.id))
            var message = try await store.createMessage(application: "acme", makeMessage(), now: Date())
            #expect(try await Self.destinations(store, app.id, message) == [first.id])

            let second = try await store.insertEndpoint(makeEndpoint(application: app.id))
            message = try await store.createMessage(application: "acme", makeMessage(), now: Date())
            #expect(try await Self.destinations(store, app.id, message) == [first.id, second.id])

            _ = try await store.updateEndpoint(application: app.id, first.id) { $0.disabled = true }
            _ = try await store.updateEndpoint(application: app.id, second.id) { $0.eventTypes = ["invoice.paid"] }
            message = try await store.createMessage(application: "acme", makeMessage("invoice.paid"), now: Date())
            #expect(try await Self.destinations(store, app.id, message) == [second.id])

            try await store.deleteEndpoint(application: app.id, second.id)
            _ = try await store.updateEndpoint(application: app.id, first.id) { $0.disabled = false }
            message = try await store.createMessage(application: "acme", makeMessage("invoice.paid"), now: Date())
            #expect(try await Self.destinations(store, app.id, message) == [first.id])

            // The uid moves to another application: messages for "acme" follow it.
            _ = try await store.updateApplication(app.id) { $0.uid = nil }
            let other = try await store.insertApplication(makeApplication(uid: "acme", name: "Other"))
            let theirs = try await store.insertEndpoint(makeEndpoint(application: other.id))
            message = try await store.createMessage(application: "acme", makeMessage(), now: Date())
            #expect(message.applicationID == other.id)
            #expect(try await Self.destinations(store, other.id, message) == [theirs.id])
        }
    }

    /// Another process writing the same file (here: a second store on it, with connections of its own).
    @Test func fanOutFollowsEndpointChangesMadeByAnotherProcess() async throws {
        try await withStore(.sqlite) { store, path in
            let app = try await store.insertApplication(makeApplication())
            let first = try await store.insertEndpoint(makeEndpoint(application: app.id))
            var message = try await store.createMessage(application: app.id, makeMessage(), now: Date())
            #expect(try await Self.destinations(store, app.id, message) == [first.id])

            let elsewhere = try SQLiteStore(path: path, cipher: storeTestCipher)
            let added = try await elsewhere.insertEndpoint(makeEndpoint(application: app.id))
            try await elsewhere.deleteEndpoint(application: app.id, first.id)
            message = try await store.createMessage(application: app.id, makeMessage(), now: Date())
            #expect(try await Self.destinations(store, app.id, message) == [added.id])
        }
    }
}
