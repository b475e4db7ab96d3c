import Foundation
import GRDBSQLite

/// A SQLite VFS over the default (unix) one that hands a transaction's write-ahead-log frames to the file in one
/// write instead of two writes per frame.
///
/// SQLite writes each WAL frame as two writes (the 24-byte frame header, then the page), and a frame of 4,120 bytes
/// straddles page-cache pages: a group commit of 35 frames cost 70 `pwrite` calls and about three page-cache page
/// operations per page written. Here the frames are collected in memory and written as contiguous bytes.
///
/// Collected bytes live only while their connection holds the WAL write lock, which every WAL write happens under:
/// - they are written right after the page of a commit frame, so before the commit is synced and before it is
///   published in the shared index to other connections, whatever the connection's `synchronous` level;
/// - they are written before the connection reads, syncs, truncates, sizes or controls the log, when a write does not
///   continue them, and past ``flushThreshold``;
/// - they are dropped when the write lock is released without a commit (a rolled-back transaction that had spilled
///   pages): written later, they could overwrite frames another process committed in between.
/// A failed deferred write fails the call that made it, and so the commit.
enum SQLiteWALWriteCoalescing {
    /// The VFS's name.
    static let name = "herald-wal-coalescing"
    /// Bytes collected before they are written without waiting for the commit (a transaction spilling many pages).
    static let flushThreshold = 1 << 20
    /// The most handed to the base VFS's write in one call: unix's write keeps only the low 17 bits of a length.
    static let largestWrite = 124 << 10
    /// Where the base VFS's file object starts in a wrapped file's allocation: after `sqlite3_file` (the methods
    /// pointer) and the address of the file's state.
    static let baseFileOffset = 16

    /// Registers the VFS as the process's default, once. Connections opened before keep the VFS they had.
    static func install() {
        _ = installed
    }

    /// Whether the VFS is the process's default.
    static var isDefault: Bool {
        sqlite3_vfs_find(nil).flatMap { $0.pointee.zName }.map { String(cString: $0) == name } ?? false
    }

    private static let installed: Bool = {
        guard let base = sqlite3_vfs_find(nil) else { return false }
        if let baseName = base.pointee.zName, String(cString: baseName) == name { return true }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: base.pointee)
        vfs.pointee.zName = UnsafePointer(strdup(name)!)
        vfs.pointee.pNext = nil
        vfs.pointee.pAppData = UnsafeMutableRawPointer(base)
        vfs.pointee.szOsFile = Int32(baseFileOffset) + base.pointee.szOsFile
        vfs.pointee.xOpen = { vfs, name, file, flags, outFlags in
            guard let vfs, let file, let base = vfs.pointee.pAppData?.assumingMemoryBound(to: sqlite3_vfs.self) else {
                return SQLITE_ERROR
            }
            return SQLiteWALWriteCoalescing.open(base: base, name: name, file: file, flags: flags, outFlags: outFlags)
        }
        return sqlite3_vfs_register(vfs, 1) == SQLITE_OK
    }()

    /// Opens a file: a main database or its log wrapped, anything else (journals, temporary files) as the base
    /// VFS's own file object at the start of the allocation.
    private static func open(
        base: UnsafeMutablePointer<sqlite3_vfs>,
        name: sqlite3_filename?,
        file: UnsafeMutablePointer<sqlite3_file>,
        flags: Int32,
        outFlags: UnsafeMutablePointer<Int32>?
    ) -> Int32 {
        let isDatabase = flags & SQLITE_OPEN_MAIN_DB != 0 && name != nil
        // A log is collected only when its database's file, opened here too, can say when the write lock goes.
        let database =
            flags & SQLITE_OPEN_WAL != 0
            ? sqlite3_filename_database(name).flatMap { DatabaseFiles.shared.state(for: UnsafeRawPointer($0)) } : nil
        guard database != nil || isDatabase else { return base.pointee.xOpen!(base, name, file, flags, outFlags) }
        file.pointee.pMethods = nil
        let baseFile = WrappedFile.base(file)
        baseFile.pointee.pMethods = nil
        let code = base.pointee.xOpen!(base, name, baseFile, flags, outFlags)
        guard code == SQLITE_OK, let baseMethods = baseFile.pointee.pMethods else {
            if let close = baseFile.pointee.pMethods?.pointee.xClose { _ = close(baseFile) }
            return code == SQLITE_OK ? SQLITE_CANTOPEN : code
        }
        if let database {
            let buffer = LogWriteBuffer()
            database.log = buffer
            WrappedFile.setState(file, buffer)
            file.pointee.pMethods = UnsafePointer(MethodTables.shared.table(.log, base: baseMethods))
        } else {
            let state = DatabaseFileState(name: UnsafeRawPointer(name!))
            DatabaseFiles.shared.register(state)
            WrappedFile.setState(file, state)
            file.pointee.pMethods = UnsafePointer(MethodTables.shared.table(.database, base: baseMethods))
        }
        return SQLITE_OK
    }
}

/// A main database file's state: the log buffer of the same connection, once the log is open.
final class DatabaseFileState {
    /// The name pointer SQLite opened the file with; the log's name leads back to it.
    let name: UnsafeRawPointer
    weak var log: LogWriteBuffer?

    init(name: UnsafeRawPointer) {
        self.name = name
    }
}

/// Open main database files by the name pointer SQLite opened them with, so a log can find its database's file.
final class DatabaseFiles: @unchecked Sendable {
    static let shared = DatabaseFiles()
    private let lock = NSLock()
    private var states: [UnsafeRawPointer: DatabaseFileState] = [:]

    func register(_ state: DatabaseFileState) {
        lock.withLock { states[state.name] = state }
    }

    func remove(_ state: DatabaseFileState) {
        lock.withLock {
            if states[state.name] === state { states[state.name] = nil }
        }
    }

    func state(for name: UnsafeRawPointer) -> DatabaseFileState? {
        lock.withLock { states[name] }
    }
}
