import Foundation
import HeraldCore
import HeraldStore
import Testing

/// `expungeAllPayloads`: every payload of one application, chunk by chunk.
@Suite struct PurgeStoreTests {
    @Test(arguments: StoreKind.allCases)
    func everyPayloadOfTheApplicationIsErasedAndNoOtherApplications(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let other = try await store.insertApplication(makeApplication(name: "Other"))
            let now = Date()
            let count = replayChunk * 2 + 10
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<count {
                    group.addTask { try await store.createMessage(application: app.id, makeMessage(), now: now).id }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let kept = try await store.createMessage(application: other.id, makeMessage(), now: now)
            try await store.expungePayload(application: app.id, message: ids[0])  // already gone: not counted

            #expect(try await store.expungeAllPayloads(application: app.id) == count - 1)
            #expect(try await store.expungeAllPayloads(application: app.id) == 0)
            for id in [ids[0], ids[replayChunk], ids[count - 1]] {
                let message = try await store.message(application: app.id, id)
                #expect(message.payload == nil)
            }
            #expect(try await store.message(application: other.id, kept.id).payload == makeMessage().payload)
            await #expect(throws: HeraldError.self) { try await store.expungeAllPayloads(application: "app_unknown") }
        }
    }
}
