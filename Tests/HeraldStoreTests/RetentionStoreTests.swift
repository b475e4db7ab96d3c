import Foundation
import HeraldCore
import HeraldStore
import Testing

/// `pruneExpired`: payloads past their message's retention, attempts past the attempt retention and expired
/// idempotency keys go, a batch at a time; everything else stays.
@Suite struct RetentionStoreTests {
    static let day: TimeInterval = 86_400

    func makeAttempt(_ message: Message, endpoint: Endpoint, at createdAt: Date) -> Attempt {
        Attempt(
            id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: Int64(createdAt.timeIntervalSince1970 * 1000)),
            messageID: message.id,
            endpointID: endpoint.id,
            applicationID: message.applicationID,
            url: endpoint.url,
            status: .fail,
            responseStatusCode: 500,
            response: "no",
            durationMilliseconds: 3,
            trigger: .scheduled,
            attemptNumber: 1,
            createdAt: createdAt
        )
    }

    /// Prunes until done, returning every batch's result.
    func pruneAll(_ store: any Store, now: Date, attemptRetention: TimeInterval, batchSize: Int) async throws -> [PruneResult] {
        var batches: [PruneResult] = []
        repeat {
            batches.append(try await store.pruneExpired(now: now, attemptRetention: attemptRetention, batchSize: batchSize))
        } while batches.last!.mayHaveMore(batchSize: batchSize) && batches.count < 100
        return batches
    }

    @Test(arguments: StoreKind.allCases)
    func expiredPayloadsGoInBatchesWhileMessagesAndDeliveriesStay(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            _ = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let now = Date()
            var shortLived: [Message] = []
            for index in 0..<5 {
                var new = makeMessage(eventID: "short-\(index)")
                new.retention = Self.day
                shortLived.append(try await store.createMessage(application: app.id, new, now: now))
            }
            let kept = try await store.createMessage(application: app.id, makeMessage(eventID: "kept"), now: now)

            let batches = try await pruneAll(
                store, now: now.addingTimeInterval(2 * Self.day), attemptRetention: 90 * Self.day, batchSize: 2)
            #expect(batches.map(\.payloads) == [2, 2, 1])
            #expect(batches.allSatisfy { $0.attempts == 0 && $0.idempotencyKeys == 0 })

            // Read today, when even the short payloads would still be live: they are gone because they were pruned.
            for message in shortLived {
                let read = try await store.message(application: app.id, message.id)
                #expect(read.payload == nil)
                #expect(read.eventID == message.eventID)
                let destinations = try await store.messageDestinations(
                    application: app.id, message: message.id, PageRequest(order: .ascending))
                #expect(destinations.items.count == 1)
            }
            #expect(try await store.message(application: app.id, kept.id).payload == makeMessage().payload)
            let tasks = try await store.leaseDueDeliveries(
                owner: "a", now: now.addingTimeInterval(1), leaseDuration: 60, limit: 10)
            #expect(tasks.count == 6)
            #expect(tasks.filter { $0.payload == nil }.count == 5)
            #expect(tasks.first { $0.messageID == kept.id }?.payload == makeMessage().payload)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func resendingAMessageWhosePayloadWasPrunedIsGone(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            var new = makeMessage()
            new.retention = Self.day
            let now = Date()
            let message = try await store.createMessage(application: app.id, new, now: now)
            #expect(
                try await store.pruneExpired(now: now.addingTimeInterval(2 * Self.day), attemptRetention: Self.day, batchSize: 10)
                    .payloads == 1)
            let error = await #expect(throws: HeraldError.self) {
                try await store.deliveryForResend(application: app.id, message: message.id, endpoint: endpoint.id, now: now)
            }
            #expect(error?.isGone == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func attemptsOlderThanTheRetentionGoInBatches(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let now = Date()
            let message = try await store.createMessage(application: app.id, makeMessage(), now: now)
            var outcomes = DeliveryOutcomes()
            let old = (1...5).map {
                makeAttempt(message, endpoint: endpoint, at: now.addingTimeInterval(-100 * Self.day + Double($0)))
            }
            let recent = (1...2).map {
                makeAttempt(message, endpoint: endpoint, at: now.addingTimeInterval(-Self.day + Double($0)))
            }
            outcomes.attempts = (old + recent).map { .init(attempt: $0, next: .unchanged) }
            try await store.recordOutcomes(outcomes, now: now)

            let batches = try await pruneAll(store, now: now, attemptRetention: 90 * Self.day, batchSize: 2)
            #expect(batches.map(\.attempts) == [2, 2, 1])
            #expect(batches.allSatisfy { $0.payloads == 0 && $0.idempotencyKeys == 0 })

            let left = try await collectAllPages(limit: 50) {
                try await store.attempts(application: app.id, filter: AttemptFilter(message: message.id), $0)
            }
            #expect(Set(left.items.map(\.id)) == Set(recent.map(\.id)))
            await #expect(throws: HeraldError.self) {
                try await store.attempt(application: app.id, message: message.id, old[0].id)
            }
            #expect(try await store.message(application: app.id, message.id).payload == makeMessage().payload)
            #expect(
                try await store.messageDestinations(application: app.id, message: message.id, PageRequest(order: .ascending))
                    .items.count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAttemptsResponseIsErasedOnRequestAndTheAttemptStays(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let otherApp = try await store.insertApplication(makeApplication(name: "Other"))
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))  // as stored
            let message = try await store.createMessage(application: app.id, makeMessage(), now: now)
            let other = try await store.createMessage(application: app.id, makeMessage(), now: now)
            let (erased, kept) = (
                makeAttempt(message, endpoint: endpoint, at: now), makeAttempt(message, endpoint: endpoint, at: now)
            )
            var outcomes = DeliveryOutcomes()
            outcomes.attempts = [erased, kept].map { .init(attempt: $0, next: .unchanged) }
            try await store.recordOutcomes(outcomes, now: now)

            try await store.expungeAttemptResponse(application: app.id, message: message.id, erased.id)
            var expected = erased
            expected.response = ""
            #expect(try await store.attempt(application: app.id, message: message.id, erased.id) == expected)
            #expect(try await store.attempt(application: app.id, message: message.id, kept.id) == kept)
            // Only through its own application and message.
            for (application, messageID) in [(otherApp.id, message.id), (app.id, other.id), (app.id, "msg_unknown")] {
                await #expect(throws: HeraldError.self) {
                    try await store.expungeAttemptResponse(application: application, message: messageID, kept.id)
                }
            }
            await #expect(throws: HeraldError.self) {
                try await store.expungeAttemptResponse(application: app.id, message: message.id, "atmpt_unknown")
            }
            #expect(try await store.attempt(application: app.id, message: message.id, kept.id).response == "no")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func expiredIdempotencyKeysGoAndLiveOnesStay(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let now = Date()
            let response = StoredResponse(status: 202, contentType: "application/json", body: Array("{}".utf8))
            for key in ["old-1", "old-2", "live"] {
                #expect(try await store.claimIdempotencyKey(key, now: now.addingTimeInterval(-3600), lifetime: 60) == .acquired)
            }
            try await store.completeIdempotencyKey("old-1", response: response, expiresAt: now.addingTimeInterval(-600))
            // "old-2" stays an unfinished claim whose timeout passed (its process died).
            try await store.completeIdempotencyKey("live", response: response, expiresAt: now.addingTimeInterval(3600))

            let batches = try await pruneAll(store, now: now, attemptRetention: 90 * Self.day, batchSize: 1)
            #expect(batches.map(\.idempotencyKeys) == [1, 1, 0])
            #expect(try await store.claimIdempotencyKey("live", now: now, lifetime: 60) == .completed(response))
        }
    }
}
