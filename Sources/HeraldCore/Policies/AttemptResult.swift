/// What one HTTP attempt came back with, as much as ``OutcomeClassifier`` needs to decide what happens next.
public struct AttemptResult: Sendable, Hashable {
    /// The response's status code, or 0 when no response arrived.
    public var statusCode: Int
    /// Why there was no usable response; `nil` when one arrived.
    public var errorKind: AttemptErrorKind?
    /// The response's `Retry-After` header, if any.
    public var retryAfterHeader: String?

    public init(statusCode: Int, errorKind: AttemptErrorKind? = nil, retryAfterHeader: String? = nil) {
        self.statusCode = statusCode
        self.errorKind = errorKind
        self.retryAfterHeader = retryAfterHeader
    }
}
