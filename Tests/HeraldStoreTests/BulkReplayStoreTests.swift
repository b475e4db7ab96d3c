import Foundation
import HeraldCore
import HeraldStore
import Testing

/// `replayDeliveries`: an endpoint's finished deliveries sent again, narrowed by the bulk replay's filters.
@Suite struct BulkReplayStoreTests {
    @Test(arguments: StoreKind.allCases)
    func finishedDeliveriesThatTheFilterPicksArePendingAgain(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            var endpoints: [Endpoint] = []
            for _ in 0..<5 { endpoints.append(try await store.insertEndpoint(makeEndpoint(application: app.id))) }
            func create(_ type: String, at offset: TimeInterval, channels: [String]? = nil, tags: [String]? = nil)
                async throws -> String
            {
                var new = makeMessage(type, channels: channels)
                new.tags = tags
                return try await store.createMessage(application: app.id, new, now: fixedNow.addingTimeInterval(offset)).id
            }
            let succeeded = try await create("user.created", at: 1, channels: ["eu"], tags: ["vip"])
            let failed = try await create("user.created", at: 2)
            let invoice = try await create("invoice.paid", at: 3)
            let inFlight = try await create("user.created", at: 4)
            let expunged = try await create("user.created", at: 5)
            _ = try await create("user.created", at: 100)  // after `until`

            // Every delivery ends but the in-flight message's, which stays leased (sending).
            let leasedAt = fixedNow.addingTimeInterval(200)
            var outcomes = DeliveryOutcomes()
            for task in try await store.leaseDueDeliveries(owner: "a", now: leasedAt, leaseDuration: 60, limit: 100)
            where task.messageID != inFlight {
                let fails = task.messageID == failed
                let attempt = Attempt(
                    id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: leasedAt.millisecondsSince1970),
                    messageID: task.messageID, endpointID: task.endpointID, applicationID: app.id, url: "https://x",
                    status: fails ? .fail : .success, responseStatusCode: fails ? 500 : 200, response: "",
                    durationMilliseconds: 1, trigger: .scheduled, attemptNumber: 1, createdAt: leasedAt)
                outcomes.attempts.append(.init(attempt: attempt, next: fails ? .failed : .succeeded))
            }
            try await store.recordOutcomes(outcomes, now: leasedAt)
            try await store.expungePayload(application: app.id, message: expunged)

            let now = fixedNow.addingTimeInterval(210)
            func replay(_ endpoint: Int, _ change: (inout BulkReplayFilter) -> Void = { _ in }) async throws -> Int {
                var filter = BulkReplayFilter(since: fixedNow, until: fixedNow.addingTimeInterval(50))
                change(&filter)
                return try await store.replayDeliveries(
                    application: app.id, endpoint: endpoints[endpoint].id, filter: filter, now: now)
            }
            #expect(try await replay(0) == 3)
            #expect(try await replay(0) == 0, "replayed deliveries are pending, not finished")
            #expect(try await replay(1) { $0.status = .fail } == 1)
            #expect(try await replay(2) { $0.statusCodeClass = 5 } == 1)
            #expect(try await replay(2) { $0.statusCodeClass = 2 } == 2)
            #expect(try await replay(3) { $0.eventTypes = ["invoice.paid"] } == 1)
            #expect(try await replay(3) { $0.channel = "eu" } == 1)
            #expect(try await replay(4) { $0.tag = "vip" } == 1)
            #expect(try await replay(4) { $0.tag = "nobody" } == 0)

            let due = try await store.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 60, limit: 100)
            let first = due.filter { $0.endpointID == endpoints[0].id }
            #expect(Set(first.map(\.messageID)) == [succeeded, failed, invoice])
            #expect(first.allSatisfy { $0.attemptCount == 0 && $0.payload != nil })
            #expect(Set(due.filter { $0.endpointID == endpoints[3].id }.map(\.messageID)) == [invoice, succeeded])
        }
    }
}
