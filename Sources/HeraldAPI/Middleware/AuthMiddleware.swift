import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every route but the health checks (readiness and liveness).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let authenticator: TokenAuthenticator
    /// Resolves an application's uid in the path of an application token's request.
    let store: any Store
    static let publicPaths: Set<String> = [
        "/api/v1/health", "/api/v1/health/", "/api/v1/health/live", "/api/v1/health/live/",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if request.method == .get || request.method == .head, Self.publicPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let header = Self.authorization(request.headers) else {
            throw APIError.unauthorized("Missing Authorization header; send 'Authorization: Bearer <token>'")
        }
        guard let token = Self.bearerToken(header) else {
            throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
        }
        guard let authenticated = try await authenticator.authenticate(token) else {
            throw APIError.unauthorized("Invalid token")
        }
        if let scope = authenticated.scope { try await authorize(request, scope) }
        var context = context
        context.tokenID = authenticated.id
        context.tokenScope = authenticated.scope
        return try await next(request, context)
    }

    /// Refuses (403) what an application token may not do: another application, a route outside its own, or one
    /// its capabilities do not cover. Whether another application exists is not revealed.
    private func authorize(_ request: Request, _ scope: ApplicationTokenScope) async throws {
        guard case .allowed(let application, let capability) = ApplicationTokenAccess.rule(request.method, request.uri.path)
        else { throw APIError.forbidden("This application token cannot use \(request.method) \(request.uri.path)") }
        guard scope.allows(capability) else {
            throw APIError.forbidden("This application token lacks the \(capability.rawValue) capability")
        }
        guard let application, application != scope.application else { return }
        // The path may name the application by its uid.
        let resolved: HeraldCore.Application?
        do {
            resolved = try await store.application(application)
        } catch let error as HeraldError where error.isNotFound {
            resolved = nil
        }
        guard resolved?.id == scope.application else {
            throw APIError.forbidden("This application token is limited to application \(scope.application)")
        }
    }

    /// The request's Authorization header value; nil when it is missing, "" when it is sent more than once (which
    /// no bearer token matches). Looked up by hand: `HTTPFields`' subscript joins every value of the name into a new
    /// string (1% of a message create).
    static func authorization(_ headers: HTTPFields) -> String? {
        var found: String?
        for field in headers where field.name == .authorization {
            if found != nil { return "" }
            found = field.value
        }
        return found
    }

    /// The token of `Bearer <token>` (scheme in any case, spaces and tabs around the token ignored), or nil.
    static func bearerToken(_ header: String) -> String? {
        let bytes = header.utf8
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let scheme = bytes[..<space]
        guard scheme.count == 6, zip(scheme, "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var token = bytes[bytes.index(after: space)...]
        while let first = token.first, isBlank(first) { token = token.dropFirst() }
        while let last = token.last, isBlank(last) { token = token.dropLast() }
        return token.isEmpty ? nil : String(Substring(token))
    }
}
