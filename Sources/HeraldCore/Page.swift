/// Which part of a list a client asked for: at most `limit` items after (or, backwards, before) a cursor.
public struct PageRequest: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable {
        case ascending
        case descending
    }

    public static let defaultLimit = 50
    public static let maximumLimit = 250

    public var limit: Int
    /// The sort key of the item the page continues from, exclusive; nil for the first page.
    public var cursor: String?
    /// True when the page lists the items *before* the cursor (a `prevIterator` was followed).
    public var backwards: Bool
    public var order: Order

    public init(limit: Int = PageRequest.defaultLimit, cursor: String? = nil, backwards: Bool = false, order: Order) {
        self.limit = limit
        self.cursor = cursor
        self.backwards = backwards
        self.order = order
    }

    /// Parses a client's `iterator`: a sort key, or `-` and a sort key to page backwards.
    public init(limit: Int, iterator: String?, order: Order) {
        if let iterator, iterator.hasPrefix("-") {
            self.init(limit: limit, cursor: String(iterator.dropFirst()), backwards: true, order: order)
        } else {
            self.init(limit: limit, cursor: iterator, backwards: false, order: order)
        }
    }
}

/// A page of a list, with the iterators that continue it in either direction.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Continues after the last item; nil when nothing follows.
    public var iterator: String?
    /// Continues before the first item (a `-` followed by a sort key); nil when the page is empty.
    public var prevIterator: String?
    public var done: Bool

    public init(items: [Item], iterator: String?, prevIterator: String?, done: Bool) {
        self.items = items
        self.iterator = iterator
        self.prevIterator = prevIterator
        self.done = done
    }

    /// Builds a page from up to `request.limit + 1` rows fetched in the direction of `request`,
    /// using `key` to read each item's sort key.
    public init(fetched: [Item], request: PageRequest, key: (Item) -> String) {
        let more = fetched.count > request.limit
        var items = Array(fetched.prefix(request.limit))
        if request.backwards { items.reverse() }
        let first = items.first.map(key)
        let last = items.last.map(key)
        if request.backwards {
            // Going back, what lies after this page is known to exist: the page we came from.
            self.init(items: items, iterator: last, prevIterator: more ? first.map { "-" + $0 } : nil, done: !more)
        } else {
            self.init(items: items, iterator: more ? last : nil, prevIterator: first.map { "-" + $0 }, done: !more)
        }
    }

    public func map<T: Sendable>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), iterator: iterator, prevIterator: prevIterator, done: done)
    }
}
