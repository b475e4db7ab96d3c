import HeraldCore
import Hummingbird

/// The request context of Herald's API: Hummingbird's core storage plus the authenticated token.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id of the token that authenticated the request (`admin` for `HERALD_ADMIN_TOKEN`), set by ``AuthMiddleware``.
    public var tokenID: String?
    /// The application and capabilities an application token is limited to; nil for a token with full access.
    public var tokenScope: ApplicationTokenScope?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.tokenID = nil
        self.tokenScope = nil
    }
}
