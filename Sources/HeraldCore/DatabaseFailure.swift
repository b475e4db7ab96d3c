/// An error of the database under a store, classified for API clients and described for operators.
///
/// Stores let their database's errors through. Those that conform say whether the database cannot serve right now
/// (busy, out of disk, an I/O error, the connection lost), so that the API answers `503` with `Retry-After` rather
/// than `500`, and give the log a line that names the condition.
public protocol DatabaseFailure: Error {
    /// The database cannot serve right now; the same request may succeed later.
    var isUnavailable: Bool { get }
    /// The database's code and message, for the log; never a statement's arguments.
    var logDescription: String { get }
}
