import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct MessageStoreTests {
    @Test(arguments: StoreKind.allCases)
    func messageGetsOnePendingDeliveryPerMatchingEndpoint(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let all = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let users = try await store.insertEndpoint(makeEndpoint(application: app.id, eventTypes: ["user.created"]))
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id, eventTypes: ["invoice.paid"]))
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id, disabled: true))
            let eu = try await store.insertEndpoint(makeEndpoint(application: app.id, channels: ["eu"]))
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id, channels: ["us"]))

            let message = try await store.createMessage(
                application: app.id,
                makeMessage("user.created", channels: ["eu"]),
                now: fixedNow
            )
            let destinations = try await store.messageDestinations(
                application: app.id,
                message: message.id,
                PageRequest(order: .ascending)
            )
            #expect(Set(destinations.items.map(\.endpoint.id)) == [all.id, users.id, eu.id])
            #expect(destinations.items.allSatisfy { $0.delivery.status == .pending && $0.delivery.attemptCount == 0 })
            #expect(try await store.endpointStats(application: app.id, endpoint: all.id, since: nil, until: nil).pending == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func payloadIsStoredByteForByte(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let payload = Array(#"{ "z": 1,  "a": [true, null, "\u00e9"] }"#.utf8)
            let message = try await store.createMessage(
                application: app.id,
                NewMessage(eventType: "x", payload: payload),
                now: Date()
            )
            #expect(try await store.message(application: app.id, message.id).payload == payload)
            try await store.expungePayload(application: app.id, message: message.id)
            #expect(try await store.message(application: app.id, message.id).payload == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func expiredPayloadReadsAsAbsent(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let old = Date().addingTimeInterval(-7200)
            let message = try await store.createMessage(
                application: app.id,
                NewMessage(eventType: "x", payload: Array("{}".utf8), retention: 3600),
                now: old
            )
            #expect(try await store.message(application: app.id, message.id).payload == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func repeatedEventIdIsAConflictWithinAnApplicationOnly(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let a = try await store.insertApplication(makeApplication(uid: "a"))
            let b = try await store.insertApplication(makeApplication(uid: "b"))
            let first = try await store.createMessage(application: "a", makeMessage(eventID: "evt-1"), now: fixedNow)
            let error = await #expect(throws: HeraldError.self) {
                try await store.createMessage(application: "a", makeMessage(eventID: "evt-1"), now: fixedNow)
            }
            #expect(error?.isConflict == true)
            _ = try await store.createMessage(application: b.id, makeMessage(eventID: "evt-1"), now: fixedNow)
            #expect(try await store.message(application: a.id, "evt-1").id == first.id)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentCreatesAreAllStoredWithTheirDeliveries(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<400 {
                    group.addTask {
                        try await store.createMessage(application: app.id, makeMessage(eventID: "e\(index)"), now: Date()).id
                    }
                }
                // One duplicate and one message to an unknown application among them fail alone, not their batch.
                group.addTask {
                    (try? await store.createMessage(application: app.id, makeMessage(eventID: "e0"), now: Date()).id) ?? ""
                }
                group.addTask {
                    (try? await store.createMessage(application: "no-such-app", makeMessage(), now: Date()).id) ?? ""
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let created = Set(ids.filter { !$0.isEmpty })
            #expect(created.count == 400)
            let listed = try await collectAllPages(limit: 250, order: .descending) {
                try await store.messages(application: app.id, filter: MessageFilter(), $0)
            }
            #expect(Set(listed.items.map(\.id)) == created)
            #expect(
                try await store.endpointStats(application: app.id, endpoint: endpoint.id, since: nil, until: nil).pending == 400)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func messagesFilterByEventTypeChannelTagAndTime(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let t0 = Date(timeIntervalSince1970: 1_700_000_000)
            let a = try await store.createMessage(application: app.id, makeMessage("a", channels: ["eu"]), now: t0)
            let b = try await store.createMessage(
                application: app.id,
                NewMessage(eventType: "b", tags: ["vip"], payload: Array("{}".utf8)),
                now: t0.addingTimeInterval(10)
            )
            let c = try await store.createMessage(application: app.id, makeMessage("c"), now: t0.addingTimeInterval(20))
            func ids(_ filter: MessageFilter) async throws -> [String] {
                try await store.messages(application: app.id, filter: filter, PageRequest(order: .descending)).items.map(\.id)
            }
            #expect(try await ids(MessageFilter()) == [c.id, b.id, a.id])
            #expect(try await ids(MessageFilter(eventTypes: ["a", "c"])) == [c.id, a.id])
            #expect(try await ids(MessageFilter(channel: "eu")) == [a.id])
            #expect(try await ids(MessageFilter(tag: "vip")) == [b.id])
            #expect(try await ids(MessageFilter(before: t0.addingTimeInterval(15))) == [b.id, a.id])
            #expect(try await ids(MessageFilter(after: t0.addingTimeInterval(5))) == [c.id, b.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tenantsNeverSeeEachOthersEndpointsOrMessages(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let a = try await store.insertApplication(makeApplication(uid: "a"))
            let b = try await store.insertApplication(makeApplication(uid: "b"))
            let endpointA = try await store.insertEndpoint(makeEndpoint(application: a.id, uid: "shared"))
            let endpointB = try await store.insertEndpoint(makeEndpoint(application: b.id, uid: "shared"))
            let message = try await store.createMessage(application: a.id, makeMessage(), now: fixedNow)
            await #expect(throws: HeraldError.self) { try await store.endpoint(application: b.id, endpointA.id) }
            await #expect(throws: HeraldError.self) { try await store.message(application: b.id, message.id) }
            await #expect(throws: HeraldError.self) { try await store.deleteEndpoint(application: b.id, endpointA.id) }
            #expect(try await store.endpoint(application: "b", "shared").id == endpointB.id)
            let destinations = try await store.messageDestinations(
                application: a.id, message: message.id, PageRequest(order: .ascending))
            #expect(destinations.items.map(\.endpoint.id) == [endpointA.id])
            #expect(try await store.endpointStats(application: b.id, endpoint: endpointB.id, since: nil, until: nil).pending == 0)
        }
    }
}
