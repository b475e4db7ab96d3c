import Foundation
import GRDBSQLite

/// A SQLite connection through the C API with a chosen VFS: `"unix"` stands in for another process that writes the
/// same database without Herald's VFS.
final class RawConnection {
    private var handle: OpaquePointer?

    init(path: String, vfs: String) throws {
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs)
        guard code == SQLITE_OK else { throw RawSQLiteError(message: "open: \(code)") }
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw RawSQLiteError(message: message.map { String(cString: $0) } ?? sql)
        }
    }

    func integer(_ sql: String) throws -> Int {
        try single(sql) { Int(sqlite3_column_int64($0, 0)) }
    }

    func text(_ sql: String) throws -> String {
        try single(sql) { sqlite3_column_text($0, 0).map { String(cString: $0) } ?? "" }
    }

    private func single<T>(_ sql: String, _ read: (OpaquePointer?) -> T) throws -> T {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw RawSQLiteError(message: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw RawSQLiteError(message: String(cString: sqlite3_errmsg(handle)))
        }
        return read(statement)
    }
}

struct RawSQLiteError: Error {
    let message: String
}

/// A real file behind a minimal `sqlite3_file` whose `xWrite` writes with `pwrite` and records each call.
final class RecordingFile {
    struct Write: Equatable {
        let offset: Int64
        let length: Int
    }

    let file: UnsafeMutablePointer<sqlite3_file>
    private(set) var writes: [Write] = []
    private let descriptor: Int32
    private let path: String
    private let methods: UnsafeMutablePointer<sqlite3_io_methods>

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw RawSQLiteError(message: "open \(path): \(errno)") }
        methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: sqlite3_io_methods())
        methods.pointee.iVersion = 1
        methods.pointee.xWrite = { file, bytes, amount, offset in
            let address = UnsafeMutableRawPointer(file!).load(fromByteOffset: 8, as: UnsafeMutableRawPointer.self)
            let recorder = Unmanaged<RecordingFile>.fromOpaque(address).takeUnretainedValue()
            recorder.writes.append(Write(offset: offset, length: Int(amount)))
            let written = pwrite(recorder.descriptor, bytes, Int(amount), off_t(offset))
            return written == Int(amount) ? SQLITE_OK : SQLITE_IOERR
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        file = raw.bindMemory(to: sqlite3_file.self, capacity: 1)
        file.pointee.pMethods = UnsafePointer(methods)
        raw.storeBytes(of: Unmanaged.passUnretained(self).toOpaque(), toByteOffset: 8, as: UnsafeMutableRawPointer.self)
    }

    deinit {
        close(descriptor)
        methods.deallocate()
        UnsafeMutableRawPointer(file).deallocate()
    }

    func contents() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func size() throws -> Int64 {
        Int64(try contents().count)
    }
}
