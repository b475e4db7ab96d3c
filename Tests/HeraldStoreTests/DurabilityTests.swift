import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct DurabilityTests {
    @Test func writesSurviveReopeningTheDatabaseFile() async throws {
        try await withStore(.sqlite) { store, path in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let message = try await store.createMessage(application: app.id, makeMessage(), now: Date())
            let reopened = try SQLiteStore(path: path, cipher: storeTestCipher)
            #expect(try await reopened.message(application: "acme", message.id).payload == makeMessage().payload)
            let destinations = try await reopened.messageDestinations(
                application: "acme", message: message.id, PageRequest(order: .ascending))
            #expect(destinations.items.count == 1)
        }
    }

    @Test func databaseRunsInWALModeWithFullSynchronous() async throws {
        try await withStore(.sqlite) { _, path in
            let store = try SQLiteStore(path: path, cipher: storeTestCipher)
            let (journal, synchronous) = try await store.pragmas()
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
        }
    }
}
