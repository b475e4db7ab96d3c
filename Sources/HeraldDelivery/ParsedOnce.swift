import Synchronization

/// What texts parse to, each parsed once: at most `capacity` entries are kept, and when full the cache starts over.
/// Endpoint URLs and secrets repeat from attempt to attempt; parsing them every time cost each delivery its share.
final class ParsedOnce<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: Value]>([:])
    private let capacity: Int
    private let parse: @Sendable (String) -> Value?

    init(capacity: Int = 10_000, parse: @escaping @Sendable (String) -> Value?) {
        self.capacity = capacity
        self.parse = parse
    }

    /// What `text` parses to, or nil when it does not parse (not kept: it is rare, and cheap to refuse again).
    func value(for text: String) -> Value? {
        if let value = entries.withLock({ $0[text] }) { return value }
        guard let value = parse(text) else { return nil }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[text] = value
        }
        return value
    }
}
