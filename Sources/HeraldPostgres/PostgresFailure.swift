import HeraldCore
import PostgresNIO

extension PSQLError: DatabaseFailure {
    /// The connection lost or refused, the pool closed, or a server condition that passes: connection exceptions
    /// (class 08), insufficient resources (53: disk full, out of memory, too many connections), the server shutting
    /// down or starting (57P01-57P03), a deadlock or serialization failure that outlived Herald's own retries.
    public var isUnavailable: Bool {
        switch code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            guard let state = serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || state.hasPrefix("53")
                || ["57P01", "57P02", "57P03", "40001", "40P01"].contains(state)
        default:
            return false
        }
    }

    /// `PostgreSQL server error 53100: could not extend file …`, or the client's code (`serverClosedConnection`).
    /// PostgresNIO keeps its own description vague on purpose; the server's message names no statement argument.
    public var logDescription: String {
        guard code == .server, let serverInfo else { return "PostgreSQL client error: \(code)" }
        return "PostgreSQL server error \(serverInfo[.sqlState] ?? "?"): \(serverInfo[.message] ?? "no message")"
    }
}
