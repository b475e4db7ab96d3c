import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct BackgroundTaskStoreTests {
    static let day: TimeInterval = 86_400

    /// Whole milliseconds, as the stores keep times.
    static func task(_ kind: BackgroundTask.Kind, sent: Int, at offset: TimeInterval) -> BackgroundTask {
        BackgroundTask.finished(kind, count: sent, now: fixedNow.addingTimeInterval(offset))
    }

    @Test(arguments: StoreKind.allCases)
    func aRunningTaskIsUpdatedAndOnlyThoseLeftUntouchedAreFailedAsAbandoned(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            var live = BackgroundTask.running(.endpointReplay, now: fixedNow)
            let abandoned = BackgroundTask.running(.endpointRecover, now: fixedNow)
            let done = Self.task(.endpointRecover, sent: 3, at: 0)
            for task in [live, abandoned, done] { try await store.insertBackgroundTask(task) }

            live.updatedAt = fixedNow.addingTimeInterval(200)
            try await store.updateBackgroundTask(live)
            #expect(try await store.backgroundTask(live.id) == live)
            var unknown = live
            unknown.id = "qtask_unknown"
            await #expect(throws: HeraldError.self) { try await store.updateBackgroundTask(unknown) }

            // A heartbeat touches running tasks only.
            try await store.touchBackgroundTasks([live.id, done.id], now: fixedNow.addingTimeInterval(300))
            live.updatedAt = fixedNow.addingTimeInterval(300)
            #expect(try await store.backgroundTask(live.id) == live)
            #expect(try await store.backgroundTask(done.id) == done)

            let now = fixedNow.addingTimeInterval(400)
            #expect(try await store.failAbandonedBackgroundTasks(updatedBefore: fixedNow.addingTimeInterval(100), now: now) == 1)
            #expect(try await store.backgroundTask(abandoned.id).status == .failed)
            #expect(try await store.backgroundTask(abandoned.id).updatedAt == now)
            #expect(try await store.backgroundTask(live.id).status == .running)
            #expect(try await store.backgroundTask(done.id) == done)

            live.status = .finished
            live.count = 42
            live.details = .object(["note": .string("done")])
            try await store.updateBackgroundTask(live)
            #expect(try await store.backgroundTask(live.id) == live)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tasksAreReadBackByIDAndListedByKindAcrossPages(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let tasks = (0..<7).map { Self.task($0 % 3 == 0 ? .endpointReplay : .endpointRecover, sent: $0, at: Double($0)) }
            for task in tasks.shuffled() { try await store.insertBackgroundTask(task) }

            for task in tasks { #expect(try await store.backgroundTask(task.id) == task) }
            await #expect(throws: HeraldError.self) { try await store.backgroundTask("qtask_unknown") }

            let all = try await collectAllPages(limit: 2, order: .descending) {
                try await store.backgroundTasks(filter: BackgroundTaskFilter(), $0)
            }
            #expect(all.items == tasks.reversed())
            #expect(all.pages == 4)
            let replays = try await collectAllPages(limit: 2) {
                try await store.backgroundTasks(filter: BackgroundTaskFilter(kind: .endpointReplay), $0)
            }
            #expect(replays.items.map(\.count) == [0, 3, 6])
            let finishedRecovers = try await store.backgroundTasks(
                filter: BackgroundTaskFilter(status: .finished, kind: .endpointRecover),
                PageRequest(limit: 50, order: .ascending))
            #expect(finishedRecovers.items.map(\.count) == [1, 2, 4, 5])
            let failed = try await store.backgroundTasks(
                filter: BackgroundTaskFilter(status: .failed), PageRequest(limit: 50, order: .ascending))
            #expect(failed.items.isEmpty && failed.done)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tasksAreKeptAsLongAsAttempts(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let old = (1...3).map { Self.task(.endpointRecover, sent: $0, at: -100 * Self.day + Double($0)) }
            let recent = Self.task(.endpointReplay, sent: 9, at: -Self.day)
            for task in old + [recent] { try await store.insertBackgroundTask(task) }

            var removed: [Int] = []
            repeat {
                let result = try await store.pruneExpired(now: fixedNow, attemptRetention: 90 * Self.day, batchSize: 2)
                removed.append(result.backgroundTasks)
            } while removed.last! >= 2 && removed.count < 10
            #expect(removed == [2, 1])
            let left = try await store.backgroundTasks(filter: BackgroundTaskFilter(), PageRequest(limit: 50, order: .ascending))
            #expect(left.items == [recent])
        }
    }
}
