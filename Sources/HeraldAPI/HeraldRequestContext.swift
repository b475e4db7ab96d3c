import Hummingbird

/// The request context of Herald's API: Hummingbird's core storage plus the authenticated token.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id of the token that authenticated the request (`admin` for `HERALD_ADMIN_TOKEN`), set by ``AuthMiddleware``.
    public var tokenID: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.tokenID = nil
    }
}
