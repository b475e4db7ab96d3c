import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct DestinationStoreTests {
    static func destination(_ id: String, _ application: String, uid: String? = nil) -> Destination {
        Destination(
            id: id, applicationID: application, uid: uid, eventTypes: ["user.created"], channels: ["eu"],
            metadata: ["team": "billing"], createdAt: fixedNow, updatedAt: fixedNow)
    }

    @Test(arguments: StoreKind.allCases)
    func destinationsAreKeptPerApplicationByIdAndUid(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let other = try await store.insertApplication(makeApplication(uid: "other"))
            for (id, uid) in [("poll_1", "first"), ("poll_2", nil), ("poll_3", "third")] {
                _ = try await store.insertDestination(Self.destination(id, app.id, uid: uid))
            }
            _ = try await store.insertDestination(Self.destination("poll_9", other.id, uid: "first"))
            await #expect(throws: HeraldError.conflict("A destination with this uid already exists")) {
                _ = try await store.insertDestination(Self.destination("poll_4", app.id, uid: "third"))
            }
            await #expect(throws: HeraldError.self) {
                _ = try await store.insertDestination(Self.destination("poll_5", "app_nope"))
            }

            let all = try await collectAllPages(limit: 2) { try await store.destinations(application: app.id, $0) }
            #expect(all.items.map(\.id) == ["poll_1", "poll_2", "poll_3"])
            #expect(try await store.destination(application: app.id, "first") == Self.destination("poll_1", app.id, uid: "first"))
            #expect(try await store.destination(application: other.id, "first").id == "poll_9")
            await #expect(throws: HeraldError.self) { _ = try await store.destination(application: other.id, "poll_1") }

            var changed = try await store.destination(application: app.id, "poll_2")
            changed.uid = "second"
            changed.disabled = true
            changed.eventTypes = nil
            changed.channels = ["us", "eu"]
            changed.batchSize = 7
            changed.maxWaitSeconds = 3
            changed.metadata = [:]
            changed.updatedAt = fixedNow.addingTimeInterval(5)
            #expect(try await store.updateDestination(changed) == changed)
            #expect(try await store.destination(application: app.id, "second") == changed)
            changed.uid = "first"
            await #expect(throws: HeraldError.conflict("A destination with this uid already exists")) {
                _ = try await store.updateDestination(changed)
            }

            try await store.deleteDestination(application: app.id, "poll_2")
            await #expect(throws: HeraldError.self) { _ = try await store.destination(application: app.id, "poll_2") }
            try await store.deleteApplication(app.id)
            await #expect(throws: HeraldError.self) { _ = try await store.destination(application: app.id, "poll_1") }
            #expect(try await store.destination(application: other.id, "poll_9").uid == "first")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumersKeepTheirPositionUntilTheirDestinationGoes(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            _ = try await store.insertDestination(Self.destination("poll_1", app.id))
            #expect(try await store.pollerPosition(destination: "poll_1", consumer: "worker") == nil)
            try await store.setPollerPosition(destination: "poll_1", consumer: "worker", position: "msg_a", now: fixedNow)
            try await store.setPollerPosition(destination: "poll_1", consumer: "other", position: "msg_b", now: fixedNow)
            try await store.setPollerPosition(destination: "poll_1", consumer: "worker", position: "msg_c", now: fixedNow)
            #expect(try await store.pollerPosition(destination: "poll_1", consumer: "worker") == "msg_c")
            #expect(try await store.pollerPosition(destination: "poll_1", consumer: "other") == "msg_b")
            await #expect(throws: HeraldError.self) {
                try await store.setPollerPosition(destination: "poll_x", consumer: "worker", position: "msg_a", now: fixedNow)
            }
            try await store.deleteDestination(application: app.id, "poll_1")
            _ = try await store.insertDestination(Self.destination("poll_1", app.id))
            #expect(try await store.pollerPosition(destination: "poll_1", consumer: "worker") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theMessageStreamReadsOneApplicationInIdOrderAndPostgresWaitsForLateCommits(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let other = try await store.insertApplication(makeApplication(uid: "other"))
            var made: [String] = []
            for index in 0..<5 {
                let now = fixedNow.addingTimeInterval(Double(index))
                made.append(try await store.createMessage(application: app.id, makeMessage(), now: now).id)
                _ = try await store.createMessage(application: other.id, makeMessage(), now: now)
            }
            let start = Identifier.upperBound(prefix: Identifier.messagePrefix, milliseconds: 0)
            func stream(after position: String, limit: Int = 10, secondsLater: Double = 60) async throws -> [String] {
                try await store.messageStream(
                    application: app.id, after: position, limit: limit, now: fixedNow.addingTimeInterval(secondsLater)
                ).map(\.id)
            }
            #expect(try await stream(after: start) == made)
            #expect(try await stream(after: made[1], limit: 2) == [made[2], made[3]])
            #expect(try await stream(after: made[4]).isEmpty)

            // 1.5 s after the last message: SQLite's ids are in commit order; PostgreSQL reads 5 s behind now.
            let soon = try await stream(after: start, secondsLater: 5.5)
            #expect(soon == (kind == .sqlite ? made : Array(made.prefix(1))))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReaderFollowingTheStreamDuringConcurrentCreatesSkipsNoMessage(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication(uid: "acme"))
            let (writers, perWriter) = (8, 40)
            async let read = Self.follow(store, application: app.id, until: writers * perWriter)
            let created = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        var ids: [String] = []
                        for _ in 0..<perWriter {
                            ids.append(try await store.createMessage(application: app.id, makeMessage(), now: Date()).id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let seen = try await read
            #expect(seen == seen.sorted(), "ids read out of order")
            #expect(Set(seen) == Set(created) && seen.count == created.count)
        }
    }

    /// Reads the application's stream as a poller does, from the start, until it has read `count` messages (or 30 s
    /// have passed): each read goes on after the last id of the one before.
    static func follow(_ store: any Store, application: String, until count: Int) async throws -> [String] {
        var seen: [String] = []
        var position = Identifier.upperBound(prefix: Identifier.messagePrefix, milliseconds: 0)
        let deadline = Date().addingTimeInterval(30)
        while seen.count < count, Date() < deadline {
            let messages = try await store.messageStream(application: application, after: position, limit: 50, now: Date())
            seen += messages.map(\.id)
            position = messages.last?.id ?? position
            if messages.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        }
        return seen
    }
}
