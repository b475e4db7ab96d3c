import Foundation
import HeraldCore
import HeraldPostgres
import HeraldStore
import PostgresNIO
import Testing

/// What only the PostgreSQL store does: several instances sharing one database.
@Suite(.enabled(if: PostgresTestServer.available != nil, "needs HERALD_TEST_DATABASE_URL (ops/postgres/test-server.sh)"))
struct PostgresStoreTests {
    @Test func twoInstancesLeasingConcurrentlyNeverLeaseTheSameDelivery() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let app = try await stores[0].insertApplication(makeApplication())
                for _ in 0..<4 { _ = try await stores[0].insertEndpoint(makeEndpoint(application: app.id)) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<100 {
                        group.addTask {
                            _ = try await stores[index % 2].createMessage(application: app.id, makeMessage(), now: Date())
                        }
                    }
                    try await group.waitForAll()
                }
                let now = Date().addingTimeInterval(1)
                let leased = try await withThrowingTaskGroup(of: [DeliveryKey].self) { group in
                    for (index, store) in stores.enumerated() {
                        group.addTask {
                            var keys: [DeliveryKey] = []
                            while true {
                                let batch = try await store.leaseDueDeliveries(
                                    owner: "instance-\(index)", now: now, leaseDuration: 60, limit: 7)
                                if batch.isEmpty { return keys }
                                keys += batch.map(\.key)
                            }
                        }
                    }
                    return try await group.reduce(into: [[DeliveryKey]]()) { $0.append($1) }
                }
                let all = leased.flatMap { $0 }
                #expect(all.count == 400)
                #expect(Set(all).count == 400)
            }
        }
    }

    @Test func leaseOfAnInstanceThatDiedIsTakenOverByAnotherAfterItExpires() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let (a, b) = (stores[0], stores[1])
                let app = try await a.insertApplication(makeApplication())
                _ = try await a.insertEndpoint(makeEndpoint(application: app.id))
                for _ in 0..<3 { _ = try await a.createMessage(application: app.id, makeMessage(), now: Date()) }
                let now = Date().addingTimeInterval(1)
                let held = try await a.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 30, limit: 10)
                #expect(held.count == 3)
                #expect(
                    try await b.leaseDueDeliveries(owner: "b", now: now.addingTimeInterval(29), leaseDuration: 30, limit: 10)
                        .isEmpty)
                let takenOver = try await b.leaseDueDeliveries(
                    owner: "b", now: now.addingTimeInterval(31), leaseDuration: 30, limit: 10)
                #expect(Set(takenOver.map(\.key)) == Set(held.map(\.key)))
                #expect(
                    try await a.leaseDueDeliveries(owner: "a", now: now.addingTimeInterval(31), leaseDuration: 30, limit: 10)
                        .isEmpty)
            }
        }
    }

    @Test func migrationsRunConcurrentlyFromSeveralInstancesApplyOnce() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 4, migrate: false) { stores in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in stores { group.addTask { try await store.migrate() } }
                    try await group.waitForAll()
                }
                let counts = try await stores[0].client.query(
                    "SELECT count(*) AS total, count(DISTINCT name) AS names FROM herald_migration"
                ).collect()
                let (total, names) = try counts[0].decode((Int, Int).self)
                #expect(total > 0)
                #expect(total == names)
                // Migrating again is a no-op, and the schema works.
                try await stores[1].migrate()
                let again = try await stores[0].client.query("SELECT count(*) FROM herald_migration").collect()
                #expect(try again[0].decode(Int.self) == total)
                let app = try await stores[2].insertApplication(makeApplication(uid: "acme"))
                #expect(try await stores[3].application("acme") == app)
            }
        }
    }

    @Test func newWorkIsNotifiedToListeningInstances() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let (listener, producer) = (stores[0], stores[1])
                let app = try await producer.insertApplication(makeApplication())
                _ = try await producer.insertEndpoint(makeEndpoint(application: app.id))
                let (wakes, wake) = AsyncStream.makeStream(of: Void.self)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await listener.listenForWork { wake.yield() } }
                    // A bound so a lost notification fails the test instead of hanging it.
                    group.addTask {
                        try await Task.sleep(for: .seconds(30))
                        wake.finish()
                    }
                    var iterator = wakes.makeAsyncIterator()
                    // The first wake-up says listening has started.
                    #expect(await iterator.next() != nil)
                    _ = try await producer.createMessage(application: app.id, makeMessage(), now: Date())
                    #expect(await iterator.next() != nil)
                    group.cancelAll()
                }
            }
        }
    }

    @Test func everyChangeToATokenIsNotifiedWithItsIdToListeningInstances() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let (listener, other) = (stores[0], stores[1])
                try await expectTokenChangesReported(changingThrough: other) { changed in
                    try await listener.listenForTokenChanges(changed)
                }
            }
        }
    }

    @Test func ingestHandsNewDeliveriesOnlyToTheInstanceThatHoldsTheirEndpoint() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let (a, b) = (stores[0], stores[1])
                let app = try await a.insertApplication(makeApplication())
                _ = try await a.insertEndpoint(makeEndpoint(application: app.id))
                let (handedToA, handA) = AsyncStream.makeStream(of: [DeliveryTask].self)
                let (handedToB, handB) = AsyncStream.makeStream(of: [DeliveryTask].self)
                a.installIngestHandoff(IngestHandoff(owner: "a", leaseDuration: 60, deliver: { handA.yield($0) }))
                b.installIngestHandoff(IngestHandoff(owner: "b", leaseDuration: 60, deliver: { handB.yield($0) }))
                // The endpoint is free: ingest on A claims it and hands the delivery over.
                let first = try await a.createMessage(application: app.id, makeMessage(), now: Date())
                var fromA = handedToA.makeAsyncIterator()
                #expect(await fromA.next()?.map(\.messageID) == [first.id])
                // Ingest on B leaves the next one for A, the endpoint's holder.
                let second = try await b.createMessage(application: app.id, makeMessage(), now: Date())
                handB.finish()
                var fromB = handedToB.makeAsyncIterator()
                #expect(await fromB.next() == nil)
                let later = Date().addingTimeInterval(1)
                #expect(try await b.leaseDueDeliveries(owner: "b", now: later, leaseDuration: 60, limit: 10).isEmpty)
                #expect(
                    try await a.leaseDueDeliveries(owner: "a", now: later, leaseDuration: 60, limit: 10).map(\.messageID) == [
                        second.id
                    ])
                // A gives everything up; B takes it at once.
                #expect(try await a.releaseLeases(owner: "a", now: Date()) == 2)
                let retaken = try await b.leaseDueDeliveries(owner: "b", now: later, leaseDuration: 60, limit: 10)
                #expect(Set(retaken.map(\.messageID)) == [first.id, second.id])
            }
        }
    }

    @Test func anEndpointsDeliveriesAreLeasedByOneInstanceAtATimeWhileItRenews() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let (a, b) = (stores[0], stores[1])
                let app = try await a.insertApplication(makeApplication())
                let held = try await a.insertEndpoint(makeEndpoint(application: app.id, eventTypes: ["held"]))
                let free = try await a.insertEndpoint(makeEndpoint(application: app.id, eventTypes: ["free"]))
                for _ in 0..<4 { _ = try await a.createMessage(application: app.id, makeMessage("held"), now: Date()) }
                let now = Date().addingTimeInterval(1)
                let first = try await a.leaseDueDeliveries(owner: "a", now: now, leaseDuration: 30, limit: 2)
                #expect(first.map(\.endpointID) == [held.id, held.id])
                for _ in 0..<3 { _ = try await b.createMessage(application: app.id, makeMessage("free"), now: Date()) }
                // B gets the other endpoint's deliveries, none of the held one's, though two of those are due.
                let other = try await b.leaseDueDeliveries(owner: "b", now: now, leaseDuration: 30, limit: 10)
                #expect(other.map(\.endpointID) == [free.id, free.id, free.id])
                // A renews at 20 s: its hold and its leases now run to 50 s.
                try await a.renewLeases(owner: "a", endpoints: [held.id], now: now.addingTimeInterval(20), leaseDuration: 30)
                let meanwhile = try await b.leaseDueDeliveries(
                    owner: "b", now: now.addingTimeInterval(40), leaseDuration: 30, limit: 10)
                #expect(meanwhile.filter { $0.endpointID == held.id }.isEmpty)
                let rest = try await a.leaseDueDeliveries(
                    owner: "a", now: now.addingTimeInterval(40), leaseDuration: 30, limit: 10)
                #expect(rest.count == 2)
                // A stops renewing (it died): after its hold lapses, B takes over all four.
                let takenOver = try await b.leaseDueDeliveries(
                    owner: "b", now: now.addingTimeInterval(71), leaseDuration: 30, limit: 10)
                #expect(takenOver.filter { $0.endpointID == held.id }.count == 4)
            }
        }
    }

    @Test func aFIFOEndpointHeldByOneInstanceIsNotLeasedByAnother() async throws {
        try await PostgresTestServer.required().withDatabase { url in
            try await withRunningPostgresStores(url: url, count: 2) { stores in
                let (a, b) = (stores[0], stores[1])
                let app = try await a.insertApplication(makeApplication())
                var endpoint = makeEndpoint(application: app.id)
                endpoint.fifo = true
                endpoint = try await a.insertEndpoint(endpoint)
                for _ in 0..<3 { _ = try await a.createMessage(application: app.id, makeMessage(), now: Date()) }
                let now = Date().addingTimeInterval(1)
                let head = try await a.leaseFIFODeliveries(
                    endpointID: endpoint.id, owner: "a", now: now, leaseDuration: 30, limit: 1)
                #expect(head.count == 1)
                // Without the hold, B would lease the second and third messages past A's head.
                #expect(
                    try await b.leaseFIFODeliveries(endpointID: endpoint.id, owner: "b", now: now, leaseDuration: 30, limit: 10)
                        .isEmpty)
                let all = try await a.leaseFIFODeliveries(
                    endpointID: endpoint.id, owner: "a", now: now, leaseDuration: 30, limit: 10)
                #expect(all.count == 3)
                #expect(all.first?.messageID == head.first?.messageID)
            }
        }
    }
}

/// Reading database URLs; needs no server.
@Suite struct PostgresStoreConfigurationTests {
    @Test func urlGivesHostPortCredentialsDatabaseAndPool() throws {
        let configuration = try PostgresStoreConfiguration(
            url: "postgresql://herald:s%40cret@db.internal:6432/events?sslmode=disable&pool_max=7"
        )
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6432)
        #expect(configuration.username == "herald")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "events")
        #expect(configuration.maximumConnections == 7)
    }

    @Test func defaultsArePort5432AndTheUsersDatabase() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://herald@localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "herald")
        #expect(configuration.password == nil)
        #expect(configuration.maximumConnections == 20)
    }

    @Test(arguments: [
        "mysql://herald@localhost/db", "postgres://localhost/db", "postgres://herald@localhost/db?sslmode=maybe",
        "postgres://herald@localhost/db?pool_max=0", "postgres://herald@localhost/db?colour=blue",
    ])
    func unusableURLsAreRejectedWithoutThePassword(_ url: String) {
        let error = #expect(throws: PostgresStoreError.self) { try PostgresStoreConfiguration(url: url) }
        #expect(error?.isInvalidURL == true)
    }
}
