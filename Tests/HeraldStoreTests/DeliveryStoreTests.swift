import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct DeliveryStoreTests {
    @Test(arguments: StoreKind.allCases)
    func dueDeliveriesAreLeasedOnceUntilTheLeaseExpires(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id))
            for _ in 0..<5 { _ = try await store.createMessage(application: app.id, makeMessage(), now: Date()) }
            let now = Date().addingTimeInterval(1)
            let first = try await store.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 60, limit: 3)
            let second = try await store.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 60, limit: 10)
            #expect(first.count == 3)
            #expect(second.count == 2)
            #expect(Set(first.map(\.key)).isDisjoint(with: second.map(\.key)))
            // A lease held by a process that died expires and the delivery is due again.
            let later = try await store.leaseDueDeliveries(
                owner: "c", now: now.addingTimeInterval(61), leaseDuration: 60, limit: 10)
            #expect(later.count == 5)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deferringABigBacklogHappensInChunks(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let count = DeliveryOutcomes.deferralChunk + 500
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<count {
                    group.addTask { _ = try await store.createMessage(application: app.id, makeMessage(), now: Date()) }
                }
                try await group.waitForAll()
            }
            let now = Date().addingTimeInterval(1)
            let until = now.addingTimeInterval(600)
            var outcomes = DeliveryOutcomes()
            outcomes.deferredEndpoints = [(endpoint.id, until)]
            let unfinished = try await store.recordOutcomes(outcomes, now: now)
            #expect(unfinished.map(\.endpointID) == [endpoint.id])
            #expect(try await store.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 1, limit: count).count == 500)

            outcomes.deferredEndpoints = unfinished
            // A chunk defers pending deliveries only: the 500 just leased stay with their holder (whose lane gives
            // them back behind the circuit), and once that lease lapses they are due again like any other.
            let afterLease = now.addingTimeInterval(2)
            #expect(try await store.recordOutcomes(outcomes, now: afterLease).isEmpty)
            let lapsed = try await store.leaseDueDeliveries(owner: "b", now: afterLease, leaseDuration: 1, limit: count)
            #expect(lapsed.count == 500)
            #expect(try await store.leaseDueDeliveries(owner: "b", now: afterLease, leaseDuration: 1, limit: count).isEmpty)
            let reopened = try await store.leaseDueDeliveries(owner: "c", now: until, leaseDuration: 1, limit: count)
            #expect(reopened.count == count)
        }
    }
}
