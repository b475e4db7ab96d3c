import Foundation
import HeraldStore
import Logging
import ServiceLifecycle

/// Deletes expired payloads, attempts, idempotency keys, background tasks and application tokens in the background:
/// every ``Configuration/interval`` it prunes in batches of ``Configuration/batchSize`` rows of each kind, pausing between
/// batches so ingest and delivery keep the writer, until nothing expired is left. A store error is logged and retried at the next round; graceful
/// shutdown stops it.
struct RetentionPruner: Service, CustomStringConvertible {
    /// How much is kept and how the work is paced.
    struct Configuration: Sendable {
        /// Attempts older than this are deleted (payloads expire by their message's own retention period).
        var attemptRetention: TimeInterval = 90 * 86_400
        /// Time between rounds.
        var interval: Duration = .seconds(600)
        /// Rows of each kind removed per transaction.
        var batchSize = 1000
        /// Rest between batches of one round.
        var pause: Duration = .milliseconds(50)
    }

    /// Its name in the service lifecycle's logs (the default would print every stored property).
    var description: String { "RetentionPruner" }

    let store: any Store
    let configuration: Configuration
    let logger: Logger
    let now: @Sendable () -> Date

    init(
        store: any Store,
        configuration: Configuration = Configuration(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await pruneRound()
                try? await Task.sleep(for: configuration.interval)
            }
        }
    }

    /// Prunes batch after batch until a batch finds less than a full batch of every kind; returns the totals.
    func pruneUntilDone() async throws -> PruneResult {
        var total = PruneResult()
        while true {
            let batch = try await store.pruneExpired(
                now: now(),
                attemptRetention: configuration.attemptRetention,
                batchSize: configuration.batchSize
            )
            total = total + batch
            guard batch.mayHaveMore(batchSize: configuration.batchSize) else { return total }
            try await Task.sleep(for: configuration.pause)
        }
    }

    private func pruneRound() async {
        do {
            let result = try await pruneUntilDone()
            logger.log(
                level: result.total > 0 ? .info : .debug,
                "Pruned expired data",
                metadata: [
                    "payloads": "\(result.payloads)", "attempts": "\(result.attempts)",
                    "idempotency_keys": "\(result.idempotencyKeys)", "background_tasks": "\(result.backgroundTasks)",
                ]
            )
        } catch is CancellationError {
            return
        } catch {
            logger.error("Pruning expired data failed; retrying next round", metadata: ["error": "\(error)"])
        }
    }
}
