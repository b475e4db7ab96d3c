import HeraldCore

/// A lane's queue: constant-time removal at the front and constant-time membership, so a long queue costs
/// nothing per delivery (an array's `removeFirst` moved every queued task each time).
struct TaskQueue: Sequence {
    private var items: [DeliveryTask] = []
    private var head = 0
    private var keys: Set<DeliveryKey> = []

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    var first: DeliveryTask? { isEmpty ? nil : items[head] }

    func contains(_ key: DeliveryKey) -> Bool { keys.contains(key) }

    mutating func append(_ task: DeliveryTask) {
        items.append(task)
        keys.insert(task.key)
    }

    /// Inserts `task` before the first queued task with a later message id (ids are time-ordered).
    mutating func insertInMessageOrder(_ task: DeliveryTask) {
        if let index = items[head...].firstIndex(where: { $0.messageID > task.messageID }) {
            items.insert(task, at: index)
            keys.insert(task.key)
        } else {
            append(task)
        }
    }

    /// Puts `task` back at the front (a FIFO head waiting for its retry).
    mutating func pushFront(_ task: DeliveryTask) {
        if head > 0 {
            head -= 1
            items[head] = task
        } else {
            items.insert(task, at: 0)
        }
        keys.insert(task.key)
    }

    mutating func popFirst() -> DeliveryTask? {
        guard !isEmpty else { return nil }
        let task = items[head]
        head += 1
        keys.remove(task.key)
        if isEmpty {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 512, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return task
    }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        head = 0
        keys.removeAll()
    }

    func makeIterator() -> IndexingIterator<ArraySlice<DeliveryTask>> {
        items[head...].makeIterator()
    }
}
