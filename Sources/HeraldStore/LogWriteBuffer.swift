import GRDBSQLite

/// The write-ahead-log bytes one connection has written but not yet handed to the file (see
/// ``SQLiteWALWriteCoalescing``): contiguous, from `start`. Used by that connection only, one call at a time.
final class LogWriteBuffer {
    private var bytes: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0
    private var start: Int64 = 0
    /// Whether the last write was the header of a commit frame (its "database size after commit" is set): the
    /// commit's page comes next, and after it everything must be in the file.
    private var commitPageNext = false

    init(capacity: Int = 64 << 10) {
        self.capacity = capacity
        bytes = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { bytes.deallocate() }

    /// Takes SQLite's write of `count` bytes at `offset`: continues the collected bytes, or overwrites part of them
    /// (SQLite rewrites a frame of the same transaction in place), or else writes them first and starts anew.
    /// Writes everything after a commit frame's page and past the threshold. Returns SQLITE_OK or a write's error.
    func collect(
        _ source: UnsafeRawPointer,
        count length: Int,
        at offset: Int64,
        into file: UnsafeMutablePointer<sqlite3_file>
    ) -> Int32 {
        let end = start + Int64(count)
        if count > 0, offset >= start, offset + Int64(length) <= end {
            (bytes + Int(offset - start)).copyMemory(from: source, byteCount: length)
        } else {
            if count > 0, offset != end {
                let code = write(to: file)
                if code != SQLITE_OK { return code }
            }
            if count == 0 { start = offset }
            append(source, length)
        }
        let endsCommit = commitPageNext
        commitPageNext = length == 24 && source.loadUnaligned(fromByteOffset: 4, as: UInt32.self) != 0
        if endsCommit || count >= SQLiteWALWriteCoalescing.flushThreshold { return write(to: file) }
        return SQLITE_OK
    }

    /// Writes the collected bytes to `file` (the base VFS's file object) and empties the buffer. Returns SQLITE_OK
    /// or the error of the first write that failed.
    func write(to file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
        guard count > 0 else { return SQLITE_OK }
        defer { discard() }
        let write = file.pointee.pMethods!.pointee.xWrite!
        var written = 0
        while written < count {
            let piece = min(count - written, SQLiteWALWriteCoalescing.largestWrite)
            let code = write(file, bytes + written, Int32(piece), start + Int64(written))
            if code != SQLITE_OK { return code }
            written += piece
        }
        return SQLITE_OK
    }

    /// Forgets the collected bytes without writing them.
    func discard() {
        count = 0
        commitPageNext = false
    }

    private func append(_ source: UnsafeRawPointer, _ length: Int) {
        if count + length > capacity {
            var grown = capacity * 2
            while grown < count + length { grown *= 2 }
            let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
            larger.copyMemory(from: bytes, byteCount: count)
            bytes.deallocate()
            bytes = larger
            capacity = grown
        }
        (bytes + count).copyMemory(from: source, byteCount: length)
        count += length
    }
}
