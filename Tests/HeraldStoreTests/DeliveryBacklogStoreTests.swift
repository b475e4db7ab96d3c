import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct DeliveryBacklogStoreTests {
    @Test(arguments: StoreKind.allCases)
    func anEmptyStoreHasNoBacklog(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            try await store.ping()
            let backlog = try await store.deliveryBacklog(now: fixedNow)
            #expect(
                backlog == DeliveryBacklog(unfinished: 0, due: 0, oldestDueAt: nil, openCircuitEndpoints: 0, disabledEndpoints: 0)
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func backlogCountsUnfinishedAndDueDeliveriesAndTroubledEndpoints(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let regular = try await store.insertEndpoint(makeEndpoint(application: app.id))
            var ordered = makeEndpoint(application: app.id)
            ordered.fifo = true
            ordered = try await store.insertEndpoint(ordered)
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id, disabled: true))
            let created = fixedNow
            for offset in 0..<2 {
                _ = try await store.createMessage(
                    application: app.id, makeMessage(), now: created.addingTimeInterval(Double(offset)))
            }

            // Two messages to two enabled endpoints; the disabled endpoint got none.
            let before = try await store.deliveryBacklog(now: created.addingTimeInterval(-10))
            #expect(before.unfinished == 4)
            #expect(before.due == 0)
            #expect(before.oldestDueAt == nil)
            #expect(before.disabledEndpoints == 1)
            #expect(before.openCircuitEndpoints == 0)
            let later = created.addingTimeInterval(5)
            let all = try await store.deliveryBacklog(now: later)
            #expect(all.unfinished == 4)
            #expect(all.due == 4)
            #expect(all.oldestDueAt == created)
            #expect(all.oldestDueAge(now: later) == 5)

            // Leased deliveries are still unfinished and due; one succeeds, one is retried in 100 s, and the
            // endpoint's circuit opens.
            let leased = try await store.leaseDueDeliveries(owner: "a", now: later, leaseDuration: 60, limit: 10)
            #expect(leased.map(\.endpointID) == [regular.id, regular.id])
            #expect(try await store.deliveryBacklog(now: later).due == 4)
            var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1))
            breaker.recordFailure(now: later)
            var outcomes = DeliveryOutcomes()
            outcomes.attempts = [
                .init(attempt: attempt(of: leased[0], status: .success, at: later), next: .succeeded),
                .init(attempt: attempt(of: leased[1], status: .fail, at: later), next: .retry(at: later.addingTimeInterval(100))),
            ]
            outcomes.endpointStates = [.init(endpointID: regular.id, circuit: breaker, health: EndpointHealth())]
            try await store.recordOutcomes(outcomes, now: later)

            let after = try await store.deliveryBacklog(now: later)
            #expect(after.unfinished == 3)
            #expect(after.due == 2)
            #expect(after.waiting == 1)
            #expect(after.oldestDueAt == created)
            #expect(after.openCircuitEndpoints == 1)
            #expect(after.disabledEndpoints == 1)
            let retryDue = try await store.deliveryBacklog(now: later.addingTimeInterval(100))
            #expect(retryDue.due == 3)
        }
    }

    private func attempt(of task: DeliveryTask, status: DeliveryStatus, at now: Date) -> Attempt {
        Attempt(
            id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: Int64(now.timeIntervalSince1970 * 1000)),
            messageID: task.messageID,
            endpointID: task.endpointID,
            applicationID: task.applicationID,
            url: "https://example.com/hook",
            status: status,
            responseStatusCode: status == .success ? 200 : 500,
            response: "",
            durationMilliseconds: 5,
            trigger: .scheduled,
            errorKind: nil,
            attemptNumber: 1,
            createdAt: now
        )
    }
}
