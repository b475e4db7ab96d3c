import Foundation
import GRDBSQLite

/// A file opened through ``SQLiteWALWriteCoalescing``: SQLite's allocation holds `sqlite3_file` (our methods), the
/// address of our state, then the base VFS's file object, to which every call is passed on.
enum WrappedFile {
    static func base(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + SQLiteWALWriteCoalescing.baseFileOffset)
            .assumingMemoryBound(to: sqlite3_file.self)
    }

    static func setState(_ file: UnsafeMutablePointer<sqlite3_file>, _ state: AnyObject) {
        UnsafeMutableRawPointer(file).storeBytes(
            of: Unmanaged.passRetained(state).toOpaque(),
            toByteOffset: 8,
            as: UnsafeMutableRawPointer.self
        )
    }

    static func state<T: AnyObject>(_ file: UnsafeMutablePointer<sqlite3_file>, as type: T.Type) -> T {
        let address = UnsafeMutableRawPointer(file).load(fromByteOffset: 8, as: UnsafeMutableRawPointer.self)
        return Unmanaged<T>.fromOpaque(address).takeUnretainedValue()
    }

    static func releaseState(_ file: UnsafeMutablePointer<sqlite3_file>) {
        let address = UnsafeMutableRawPointer(file).load(fromByteOffset: 8, as: UnsafeMutableRawPointer.self)
        Unmanaged<AnyObject>.fromOpaque(address).release()
    }

    /// The base file and its methods, after the log's collected bytes are written when `writing`; `code` is the
    /// error of that write, or SQLITE_OK.
    static func base(_ file: UnsafeMutablePointer<sqlite3_file>?, writing: Bool)
        -> (file: UnsafeMutablePointer<sqlite3_file>, methods: sqlite3_io_methods, code: Int32)
    {
        let base = base(file!)
        let code = writing ? state(file!, as: LogWriteBuffer.self).write(to: base) : SQLITE_OK
        return (base, base.pointee.pMethods!.pointee, code)
    }
}

/// The method tables of wrapped files, one per kind and table of base methods (the unix VFS has a few, by locking
/// style), made on first use and kept for the life of the process.
final class MethodTables: @unchecked Sendable {
    enum Kind { case database, log }

    static let shared = MethodTables()
    private let lock = NSLock()
    private var tables: [String: UnsafeMutablePointer<sqlite3_io_methods>] = [:]

    func table(_ kind: Kind, base: UnsafePointer<sqlite3_io_methods>) -> UnsafeMutablePointer<sqlite3_io_methods> {
        let key = "\(kind) \(UInt(bitPattern: base))"
        return lock.withLock {
            if let table = tables[key] { return table }
            let table = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
            table.initialize(to: Self.forwarding(base))
            switch kind {
            case .database: Self.watchWriteLock(table)
            case .log: Self.collectWrites(table)
            }
            tables[key] = table
            return table
        }
    }

    /// Methods that pass every call to the base file.
    private static func forwarding(_ base: UnsafePointer<sqlite3_io_methods>) -> sqlite3_io_methods {
        var table = base.pointee
        table.xRead = { file, bytes, amount, offset in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xRead!(b.file, bytes, amount, offset)
        }
        table.xWrite = { file, bytes, amount, offset in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xWrite!(b.file, bytes, amount, offset)
        }
        table.xTruncate = { file, size in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xTruncate!(b.file, size)
        }
        table.xSync = { file, flags in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xSync!(b.file, flags)
        }
        table.xFileSize = { file, size in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xFileSize!(b.file, size)
        }
        table.xLock = { file, lock in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xLock!(b.file, lock)
        }
        table.xUnlock = { file, lock in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xUnlock!(b.file, lock)
        }
        table.xCheckReservedLock = { file, out in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xCheckReservedLock!(b.file, out)
        }
        table.xFileControl = { file, operation, argument in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xFileControl!(b.file, operation, argument)
        }
        table.xSectorSize = { file in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xSectorSize!(b.file)
        }
        table.xDeviceCharacteristics = { file in
            let b = WrappedFile.base(file, writing: false)
            return b.methods.xDeviceCharacteristics!(b.file)
        }
        if base.pointee.iVersion >= 2 {
            table.xShmMap = { file, region, size, extend, out in
                let b = WrappedFile.base(file, writing: false)
                return b.methods.xShmMap!(b.file, region, size, extend, out)
            }
            table.xShmLock = { file, offset, count, flags in
                let b = WrappedFile.base(file, writing: false)
                return b.methods.xShmLock!(b.file, offset, count, flags)
            }
            table.xShmBarrier = { file in
                let b = WrappedFile.base(file, writing: false)
                b.methods.xShmBarrier!(b.file)
            }
            table.xShmUnmap = { file, delete in
                let b = WrappedFile.base(file, writing: false)
                return b.methods.xShmUnmap!(b.file, delete)
            }
        }
        if base.pointee.iVersion >= 3 {
            table.xFetch = { file, offset, amount, out in
                let b = WrappedFile.base(file, writing: false)
                return b.methods.xFetch!(b.file, offset, amount, out)
            }
            table.xUnfetch = { file, offset, page in
                let b = WrappedFile.base(file, writing: false)
                return b.methods.xUnfetch!(b.file, offset, page)
            }
        }
        return table
    }

    /// A main database file: drops its connection's uncommitted log bytes when the WAL write lock (shared-memory
    /// lock 0) is released, and forgets itself on close.
    private static func watchWriteLock(_ table: UnsafeMutablePointer<sqlite3_io_methods>) {
        table.pointee.xClose = { file in
            let state = WrappedFile.state(file!, as: DatabaseFileState.self)
            DatabaseFiles.shared.remove(state)
            let base = WrappedFile.base(file!)
            let code = base.pointee.pMethods!.pointee.xClose!(base)
            WrappedFile.releaseState(file!)
            file!.pointee.pMethods = nil
            return code
        }
        guard table.pointee.iVersion >= 2 else { return }
        table.pointee.xShmLock = { file, offset, count, flags in
            let b = WrappedFile.base(file, writing: false)
            let code = b.methods.xShmLock!(b.file, offset, count, flags)
            if offset == 0, flags == SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE {
                WrappedFile.state(file!, as: DatabaseFileState.self).log?.discard()
            }
            return code
        }
    }

    /// A log: collects writes; writes them before anything that must see the file as SQLite left it.
    private static func collectWrites(_ table: UnsafeMutablePointer<sqlite3_io_methods>) {
        table.pointee.xClose = { file in
            // Nothing is collected outside a write transaction, and what a transaction left was not committed.
            WrappedFile.state(file!, as: LogWriteBuffer.self).discard()
            let base = WrappedFile.base(file!)
            let code = base.pointee.pMethods!.pointee.xClose!(base)
            WrappedFile.releaseState(file!)
            file!.pointee.pMethods = nil
            return code
        }
        table.pointee.xWrite = { file, bytes, amount, offset in
            guard let file, let bytes, amount >= 0 else { return SQLITE_MISUSE }
            return WrappedFile.state(file, as: LogWriteBuffer.self)
                .collect(bytes, count: Int(amount), at: offset, into: WrappedFile.base(file))
        }
        table.pointee.xRead = { file, bytes, amount, offset in
            let b = WrappedFile.base(file, writing: true)
            return b.code != SQLITE_OK ? b.code : b.methods.xRead!(b.file, bytes, amount, offset)
        }
        table.pointee.xTruncate = { file, size in
            let b = WrappedFile.base(file, writing: true)
            return b.code != SQLITE_OK ? b.code : b.methods.xTruncate!(b.file, size)
        }
        table.pointee.xSync = { file, flags in
            let b = WrappedFile.base(file, writing: true)
            return b.code != SQLITE_OK ? b.code : b.methods.xSync!(b.file, flags)
        }
        table.pointee.xFileSize = { file, size in
            let b = WrappedFile.base(file, writing: true)
            return b.code != SQLITE_OK ? b.code : b.methods.xFileSize!(b.file, size)
        }
        table.pointee.xFileControl = { file, operation, argument in
            let b = WrappedFile.base(file, writing: true)
            return b.code != SQLITE_OK ? b.code : b.methods.xFileControl!(b.file, operation, argument)
        }
        guard table.pointee.iVersion >= 3 else { return }
        table.pointee.xFetch = { file, offset, amount, out in
            let b = WrappedFile.base(file, writing: true)
            return b.code != SQLITE_OK ? b.code : b.methods.xFetch!(b.file, offset, amount, out)
        }
    }
}
