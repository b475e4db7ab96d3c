/// A failure of the PostgreSQL store's own making (configuration, schema); database errors pass through as they are.
///
/// A struct wrapping a private enum, so cases can be added later.
public struct PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case invalidURL
        case schemaTooNew
    }

    private let kind: Kind
    /// What went wrong, for a person; never contains the password.
    public let detail: String

    private init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The database URL could not be used.
    public static func invalidURL(_ detail: String) -> PostgresStoreError { PostgresStoreError(.invalidURL, detail) }
    /// The database holds migrations this build does not know (a newer Herald migrated it).
    public static func schemaTooNew(_ detail: String) -> PostgresStoreError { PostgresStoreError(.schemaTooNew, detail) }

    public var isInvalidURL: Bool { kind == .invalidURL }
    public var isSchemaTooNew: Bool { kind == .schemaTooNew }

    public var description: String {
        switch kind {
        case .invalidURL: "invalid database URL: \(detail)"
        case .schemaTooNew: "database schema is newer than this Herald: \(detail)"
        }
    }
}
