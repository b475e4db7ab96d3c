import GRDB
import GRDBSQLite

/// Runs the writes made for every message and every attempt, and the lease's read, straight through SQLite's C API,
/// on statements GRDB prepared and cached. Going through `Statement.execute(arguments:)` boxed every value into a
/// `DatabaseValue` and an argument array first: 5% of the CPU of a message create, all of it on the one writer thread.
///
/// Only for plain SELECT, INSERT and UPDATE statements inside a transaction GRDB opened, on statements used nowhere
/// else: GRDB's own bookkeeping around a statement (observers, schema changes, transaction state) has nothing to do
/// for those.
struct SQLiteDirect {
    enum Value {
        case text(String)
        case integer(Int64)
        case blob([UInt8])
        case null

        static func text(_ value: String?) -> Value { value.map { .text($0) } ?? .null }
        static func integer(_ value: Int64?) -> Value { value.map { .integer($0) } ?? .null }
    }

    /// SQLite copies the value (`SQLITE_TRANSIENT`).
    private static let copied = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// SQLite uses the caller's bytes as they are, until they are unbound (`SQLITE_STATIC`).
    private static let borrowed: sqlite3_destructor_type? = nil

    /// Binds `values` to the statement's parameters in order, runs it to completion and resets it. Throws a
    /// `DatabaseError` with SQLite's result code, as GRDB would.
    static func run(_ statement: Statement, _ values: [Value]) throws {
        _ = try query(statement, values) { _ in () }
    }

    /// Binds `values`, steps through every row and returns what `decode` read from each, then resets the
    /// statement. For the reads of the hot writes: GRDB's rows copy every column into a `DatabaseValue` and look
    /// columns up by name.
    static func query<T>(_ statement: Statement, _ values: [Value], _ decode: (Columns) -> T) throws -> [T] {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of arguments", sql: statement.sql)
        }
        return try bound(values, from: 0, to: statement) {
            var rows: [T] = []
            while true {
                switch sqlite3_step(handle) {
                case SQLITE_DONE: return rows
                case SQLITE_ROW: rows.append(decode(Columns(handle: handle)))
                case let code: throw error(code, statement)
                }
            }
        }
    }

    /// The columns of the row a statement is on, by index from 0.
    struct Columns {
        fileprivate let handle: OpaquePointer?

        func text(_ index: Int32) -> String {
            guard let text = sqlite3_column_text(handle, index) else { return "" }
            let count = Int(sqlite3_column_bytes(handle, index))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }

        func integer(_ index: Int32) -> Int64 {
            sqlite3_column_int64(handle, index)
        }

        func optionalText(_ index: Int32) -> String? {
            sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : text(index)
        }

        func optionalInteger(_ index: Int32) -> Int64? {
            sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, index)
        }

        /// The column's bytes; nil when it is NULL.
        func blob(_ index: Int32) -> [UInt8]? {
            guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
            let bytes = sqlite3_column_blob(handle, index)
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let bytes, count > 0 else { return [] }
            return Array(UnsafeRawBufferPointer(start: bytes, count: count))
        }
    }

    /// Binds `values[offset...]` to the statement's parameters and runs `body` while they are bound.
    ///
    /// Text and blobs are bound in place (`SQLITE_STATIC`) inside the closures that lend their bytes. Every
    /// parameter is unbound before those closures return: after `body`, which runs innermost, or when a bind fails.
    /// Letting SQLite copy each value instead (a 1 KiB payload among them) cost an allocation, a copy and a free per
    /// value, on the writer thread.
    private static func bound<R>(
        _ values: [Value],
        from offset: Int,
        to statement: Statement,
        _ body: () throws -> R
    ) throws -> R {
        let handle = statement.sqliteStatement
        guard offset < values.count else {
            defer { sqlite3_clear_bindings(handle) }
            return try body()
        }
        let index = Int32(offset + 1)
        func next() throws -> R { try bound(values, from: offset + 1, to: statement, body) }
        switch values[offset] {
        case .text(var text) where !text.isEmpty:
            return try text.withUTF8 { bytes in
                try check(sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), borrowed), statement)
                return try next()
            }
        case .text:
            try check(sqlite3_bind_text(handle, index, "", 0, copied), statement)
        case .blob(let bytes) where !bytes.isEmpty:
            return try bytes.withUnsafeBytes { bytes in
                try check(sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), borrowed), statement)
                return try next()
            }
        case .blob:
            try check(sqlite3_bind_zeroblob(handle, index, 0), statement)
        case .integer(let integer):
            try check(sqlite3_bind_int64(handle, index, integer), statement)
        case .null:
            try check(sqlite3_bind_null(handle, index), statement)
        }
        return try next()
    }

    /// Throws SQLite's error for a failed bind, after unbinding what the earlier binds lent.
    private static func check(_ code: Int32, _ statement: Statement) throws {
        guard code == SQLITE_OK else {
            let failure = error(code, statement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            throw failure
        }
    }

    private static func error(_ code: Int32, _ statement: Statement) -> DatabaseError {
        let connection = sqlite3_db_handle(statement.sqliteStatement)
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
    }
}
