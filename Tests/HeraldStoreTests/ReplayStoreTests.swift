import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct ReplayStoreTests {
    @Test(arguments: StoreKind.allCases)
    func replayStartsDeliveriesOnlyForMessagesInTheWindowThatTheEndpointNeverGot(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let otherApp = try await store.insertApplication(makeApplication(name: "Other"))
            let early = try await store.insertEndpoint(makeEndpoint(application: app.id))
            func create(_ type: String, at offset: TimeInterval, in application: String? = nil, retention: TimeInterval? = nil)
                async throws -> String
            {
                var new = makeMessage(type)
                if let retention { new.retention = retention }
                return try await store.createMessage(
                    application: application ?? app.id, new, now: fixedNow.addingTimeInterval(offset)
                ).id
            }
            let inWindow = try await create("user.created", at: 10)
            _ = try await create("invoice.paid", at: 11)  // not a type the endpoint takes
            _ = try await create("user.created", at: -10)  // before `since`
            _ = try await create("user.created", at: 100)  // after `until`
            _ = try await create("user.created", at: 12, retention: 1)  // payload expired by `now`
            let expunged = try await create("user.created", at: 13)
            try await store.expungePayload(application: app.id, message: expunged)
            _ = try await create("user.created", at: 10, in: otherApp.id)  // another tenant's
            let lastInWindow = try await create("user.created", at: 49)

            let late = try await store.insertEndpoint(makeEndpoint(application: app.id, eventTypes: ["user.created"]))
            let now = fixedNow.addingTimeInterval(50)
            func replay(_ endpoint: String) async throws -> Int {
                try await store.replayMissingDeliveries(
                    application: app.id, endpoint: endpoint, since: fixedNow, until: now, now: now)
            }
            #expect(try await replay(late.id) == 2)
            // Messages already sent to an endpoint (at ingest, or by the replay just done) are not sent again.
            #expect(try await replay(late.id) == 0)
            #expect(try await replay(early.id) == 0)

            let leased = try await store.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 60, limit: 100)
            let replayed = leased.filter { $0.endpointID == late.id }
            #expect(Set(replayed.map(\.messageID)) == [inWindow, lastInWindow])
            #expect(replayed.allSatisfy { $0.attemptCount == 0 && $0.payload != nil && $0.applicationID == app.id })
            let destinations = try await store.messageDestinations(
                application: app.id, message: inWindow, PageRequest(limit: 10, order: .ascending))
            #expect(Set(destinations.items.map(\.endpoint.id)) == [early.id, late.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replayWorksThroughManyChunksAndHonoursChannelsEvenWhileDisabled(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let count = replayChunk * 2 + 150
            let channels: [[String]?] = [["eu"], ["us"], nil, ["us", "eu"]]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        _ = try await store.createMessage(
                            application: app.id, makeMessage(channels: channels[index % 4]), now: fixedNow)
                    }
                }
                try await group.waitForAll()
            }
            let expected = (0..<count).filter { channels[$0 % 4]?.contains("eu") == true }.count
            let endpoint = try await store.insertEndpoint(
                makeEndpoint(application: app.id, channels: ["eu", "apac"], disabled: true))
            let now = fixedNow.addingTimeInterval(1)
            let created = try await store.replayMissingDeliveries(
                application: app.id, endpoint: endpoint.id, since: fixedNow, until: nil, now: now)
            #expect(created == expected)
            let leased = try await store.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 60, limit: count)
            #expect(leased.count == expected)
            #expect(Set(leased.map(\.messageID)).count == expected)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replayFindsOnlyTheApplicationsOwnEndpoints(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let otherApp = try await store.insertApplication(makeApplication(name: "Other"))
            let foreign = try await store.insertEndpoint(makeEndpoint(application: otherApp.id))
            for endpoint in [foreign.id, "ep_" + String(repeating: "0", count: 22)] {
                await #expect(throws: HeraldError.self) {
                    try await store.replayMissingDeliveries(
                        application: app.id, endpoint: endpoint, since: fixedNow, until: nil, now: fixedNow)
                }
            }
        }
    }
}
