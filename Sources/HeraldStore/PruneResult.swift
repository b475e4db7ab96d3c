/// What one call of ``Store/pruneExpired(now:attemptRetention:batchSize:)`` removed, by kind.
public struct PruneResult: Sendable, Hashable, CustomStringConvertible {
    /// Message payloads removed (the messages stay, as after an expunge).
    public var payloads: Int
    /// Attempts deleted.
    public var attempts: Int
    /// Expired idempotency keys deleted.
    public var idempotencyKeys: Int
    /// Background tasks deleted (they are kept as long as attempts).
    public var backgroundTasks: Int
    /// Expired application tokens deleted.
    public var tokens: Int

    public init(
        payloads: Int = 0, attempts: Int = 0, idempotencyKeys: Int = 0, backgroundTasks: Int = 0, tokens: Int = 0
    ) {
        self.payloads = payloads
        self.attempts = attempts
        self.idempotencyKeys = idempotencyKeys
        self.backgroundTasks = backgroundTasks
        self.tokens = tokens
    }

    /// Everything removed.
    public var total: Int { payloads + attempts + idempotencyKeys + backgroundTasks + tokens }

    /// Whether some kind filled its batch, so more expired rows may be left.
    public func mayHaveMore(batchSize: Int) -> Bool {
        [payloads, attempts, idempotencyKeys, backgroundTasks, tokens].contains { $0 >= batchSize }
    }

    public static func + (lhs: PruneResult, rhs: PruneResult) -> PruneResult {
        PruneResult(
            payloads: lhs.payloads + rhs.payloads,
            attempts: lhs.attempts + rhs.attempts,
            idempotencyKeys: lhs.idempotencyKeys + rhs.idempotencyKeys,
            backgroundTasks: lhs.backgroundTasks + rhs.backgroundTasks,
            tokens: lhs.tokens + rhs.tokens
        )
    }

    public var description: String {
        "\(payloads) payloads, \(attempts) attempts, \(idempotencyKeys) idempotency keys, "
            + "\(backgroundTasks) background tasks, \(tokens) expired tokens"
    }
}
