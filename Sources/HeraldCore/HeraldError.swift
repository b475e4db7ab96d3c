/// A failure the domain reports to its callers: something missing, or a conflict with what exists.
///
/// A struct wrapping a private enum, so cases can be added without breaking callers.
public struct HeraldError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case notFound
        case conflict
        case gone
    }

    private let kind: Kind
    /// A sentence for the API client; never contains secrets or payloads.
    public let detail: String

    private init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The named resource does not exist (or is not visible to this application).
    public static func notFound(_ detail: String) -> HeraldError { HeraldError(.notFound, detail) }
    /// The request contradicts existing state (a duplicate uid or event id).
    public static func conflict(_ detail: String) -> HeraldError { HeraldError(.conflict, detail) }
    /// The resource existed but its content is gone (expired or expunged payload).
    public static func gone(_ detail: String) -> HeraldError { HeraldError(.gone, detail) }

    public var isNotFound: Bool { kind == .notFound }
    public var isConflict: Bool { kind == .conflict }
    public var isGone: Bool { kind == .gone }

    public var description: String { detail }
}
