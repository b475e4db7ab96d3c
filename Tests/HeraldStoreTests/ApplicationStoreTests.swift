import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct ApplicationStoreTests {
    @Test(arguments: StoreKind.allCases)
    func applicationIsFoundByIdAndByUid(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let stored = try await store.insertApplication(makeApplication(uid: "acme"))
            #expect(try await store.application(stored.id) == stored)
            #expect(try await store.application("acme") == stored)
            await #expect(throws: HeraldError.self) { try await store.application("app_missing") }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateUidIsAConflict(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            _ = try await store.insertApplication(makeApplication(uid: "acme"))
            let error = await #expect(throws: HeraldError.self) {
                try await store.insertApplication(makeApplication(uid: "acme"))
            }
            #expect(error?.isConflict == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updateChangesFieldsButNeverTheId(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let stored = try await store.insertApplication(makeApplication(uid: "acme"))
            let updated = try await store.updateApplication("acme") {
                $0.id = "app_hijacked"
                $0.name = "Acme Inc"
                $0.metadata = ["tier": "gold"]
            }
            #expect(updated.id == stored.id)
            #expect(try await store.application(stored.id).name == "Acme Inc")
            #expect(try await store.application(stored.id).metadata == ["tier": "gold"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingAnApplicationRemovesItsEndpointsAndMessages(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let message = try await store.createMessage(application: app.id, makeMessage(), now: fixedNow)
            try await store.deleteApplication("acme")
            await #expect(throws: HeraldError.self) { try await store.application(app.id) }
            // A new application with the same uid starts empty.
            let again = try await store.insertApplication(makeApplication(uid: "acme"))
            #expect(try await store.endpoints(application: again.id, PageRequest(order: .ascending)).items.isEmpty)
            await #expect(throws: HeraldError.self) { try await store.endpoint(application: again.id, endpoint.id) }
            await #expect(throws: HeraldError.self) { try await store.message(application: again.id, message.id) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func applicationsPageForwardAndBackward(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            var ids: [String] = []
            for index in 0..<7 {
                ids.append(try await store.insertApplication(makeApplication(uid: "app-\(index)")).id)
            }
            let all = try await collectAllPages(limit: 2) { try await store.applications($0) }
            #expect(all.items.map(\.id) == ids.sorted())
            #expect(all.pages == 4)
            let descending = try await collectAllPages(limit: 3, order: .descending) { try await store.applications($0) }
            #expect(descending.items.map(\.id) == ids.sorted().reversed())

            let first = try await store.applications(PageRequest(limit: 2, iterator: nil, order: .ascending))
            let second = try await store.applications(PageRequest(limit: 2, iterator: first.iterator, order: .ascending))
            let back = try await store.applications(PageRequest(limit: 2, iterator: second.prevIterator, order: .ascending))
            #expect(back.items.map(\.id) == first.items.map(\.id))
        }
    }
}
