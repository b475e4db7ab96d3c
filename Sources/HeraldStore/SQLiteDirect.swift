import GRDB
import GRDBSQLite

/// Runs the writes made for every message and every attempt straight through SQLite's C API, on statements GRDB
/// prepared and cached. Going through `Statement.execute(arguments:)` boxed every value into a `DatabaseValue` and
/// an argument array first: 5% of the CPU of a message create, all of it on the one writer thread.
///
/// Only for plain INSERT and UPDATE statements inside a transaction GRDB opened, on statements used nowhere else:
/// GRDB's own bookkeeping around a statement (observers, schema changes, transaction state) has nothing to do for
/// those.
struct SQLiteDirect {
    enum Value {
        case text(String)
        case integer(Int64)
        case blob([UInt8])
        case null

        static func text(_ value: String?) -> Value { value.map { .text($0) } ?? .null }
        static func integer(_ value: Int64?) -> Value { value.map { .integer($0) } ?? .null }
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Binds `values` to the statement's parameters in order, runs it to completion and resets it. Throws a
    /// `DatabaseError` with SQLite's result code, as GRDB would.
    static func run(_ statement: Statement, _ values: [Value]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of arguments", sql: statement.sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(var text):
                code = text.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), transient) }
            case .integer(let integer):
                code = sqlite3_bind_int64(handle, index, integer)
            case .blob(let bytes):
                code =
                    bytes.isEmpty
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
            case .null:
                code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(code, statement) }
        }
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE: return
            case SQLITE_ROW: continue
            case let code: throw error(code, statement)
            }
        }
    }

    private static func error(_ code: Int32, _ statement: Statement) -> DatabaseError {
        let connection = sqlite3_db_handle(statement.sqliteStatement)
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
    }
}
