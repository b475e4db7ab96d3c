import GRDB
import HeraldCore

extension DatabaseError: DatabaseFailure {
    /// Conditions of the database file or its machine, not of the request: another process holding the write lock
    /// past the busy timeout, a full disk, an I/O error, a file that cannot be opened or written, no memory.
    public var isUnavailable: Bool {
        switch resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY,
            .SQLITE_NOMEM, .SQLITE_PROTOCOL:
            true
        default:
            false
        }
    }

    /// `SQLite error 13 (database or disk is full)`, and SQLite's message when it says more than that.
    public var logDescription: String {
        let code = "SQLite error \(extendedResultCode)"
        guard let message, !code.contains(message) else { return code }
        return code + ": " + message
    }
}
