import Foundation
import HeraldCore
import HeraldStore
import Synchronization
import Testing

/// Messages with `deliverAt`: their deliveries wait in the store, pending, until then.
@Suite struct ScheduledMessageStoreTests {
    @Test(arguments: StoreKind.allCases)
    func aScheduledMessagesDeliveriesAreNotHandedOverAndBecomeDueAtItsDeliverAt(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let handedOver = Mutex<[String]>([])
            store.installIngestHandoff(
                IngestHandoff(
                    owner: "a", leaseDuration: 3600,
                    deliver: { tasks in
                        handedOver.withLock { $0 += tasks.map(\.messageID) }
                    }))
            let deliverAt = fixedNow.addingTimeInterval(120)
            var new = makeMessage()
            new.deliverAt = deliverAt
            let scheduled = try await store.createMessage(application: app.id, new, now: fixedNow)
            let immediate = try await store.createMessage(application: app.id, makeMessage(), now: fixedNow)
            #expect(handedOver.withLock { $0 } == [immediate.id])
            #expect(scheduled.deliverAt == deliverAt)
            #expect(try await store.message(application: app.id, scheduled.id).deliverAt == deliverAt)
            #expect(try await store.message(application: app.id, immediate.id).deliverAt == nil)

            let destinations = try await store.messageDestinations(
                application: app.id, message: scheduled.id, PageRequest(limit: 10, order: .ascending))
            #expect(destinations.items.map(\.delivery.status) == [.pending])
            #expect(destinations.items.map(\.delivery.nextAttemptAt) == [deliverAt])
            let before = try await store.leaseDueDeliveries(
                owner: "a", now: deliverAt.addingTimeInterval(-1), leaseDuration: 60, limit: 10)
            #expect(before.isEmpty)
            let due = try await store.leaseDueDeliveries(owner: "a", now: deliverAt, leaseDuration: 60, limit: 10)
            #expect(due.map(\.messageID) == [scheduled.id])
            #expect(due.map(\.endpointID) == [endpoint.id])

            // An endpoint that joins later and is replayed the message gets it at its deliverAt too.
            store.installIngestHandoff(nil)
            let late = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let replayed = try await store.replayMissingDeliveries(
                application: app.id, endpoint: late.id, since: fixedNow, until: nil, now: fixedNow.addingTimeInterval(1))
            #expect(replayed == 2)
            let lateDue = try await store.leaseDueDeliveries(
                owner: "a", now: fixedNow.addingTimeInterval(2), leaseDuration: 3600, limit: 10)
            #expect(lateDue.map(\.messageID) == [immediate.id])
            let lateScheduled = try await store.leaseDueDeliveries(owner: "a", now: deliverAt, leaseDuration: 60, limit: 10)
            #expect(lateScheduled.map(\.messageID) == [scheduled.id])
        }
    }
}
