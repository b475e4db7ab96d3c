import ArgumentParser
import Foundation
import Logging

/// `herald prune`: applies the retention rules once, now, and prints what was removed.
struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete expired payloads, attempts, idempotency keys, background tasks and application tokens now, then exit.",
        discussion: """
            Payloads expire after their message's payloadRetentionPeriod (the message itself stays, without \
            payload); attempts and background tasks after the attempt retention; idempotency keys when their \
            replay window ends. \
            `herald serve` does the same in the background every prune interval.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("attempt-retention"), help: ArgumentHelp(Setting.attemptRetention.help))
    var attemptRetention: String?

    func run() async throws {
        var flags: [String: String] = [:]
        flags[Setting.attemptRetention.key] = attemptRetention
        let values = try store.settings(adding: flags)
        var configuration = RetentionPruner.Configuration()
        if let seconds = try values.duration(.attemptRetention, positive: true) {
            configuration.attemptRetention = seconds
        }
        configuration.pause = .zero
        let result = try await store.withStore(values, logger: .quiet) { opened in
            let pruner = RetentionPruner(store: opened.store, configuration: configuration, logger: .quiet)
            do {
                return try await pruner.pruneUntilDone()
            } catch {
                throw CommandFailure("pruning failed: \(error)")
            }
        }
        print("Pruned \(result).")
    }
}
