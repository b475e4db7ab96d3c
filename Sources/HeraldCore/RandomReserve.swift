import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Random bits for ids, drawn from the system's generator 4 KiB at a time: a message create needs 128 bits, and a
/// system call for each (`arc4random_buf` is `getrandom` on glibc) cost more than the rest of making the id. Every
/// pair handed out is fresh; ids are public, so holding bits in memory until they are used exposes nothing.
final class RandomReserve: Sendable {
    static let shared = RandomReserve()

    private struct Reserve: ~Copyable {
        static let words = 512
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        var next = words

        deinit { storage.deallocate() }
    }

    private let reserve = Mutex(Reserve())

    /// Two 64-bit words of system randomness that no one else was given.
    func take() -> (UInt64, UInt64) {
        reserve.withLock { reserve in
            if reserve.next + 2 > Reserve.words {
                arc4random_buf(reserve.storage, Reserve.words * MemoryLayout<UInt64>.size)
                reserve.next = 0
            }
            defer { reserve.next += 2 }
            return (reserve.storage[reserve.next], reserve.storage[reserve.next + 1])
        }
    }
}
