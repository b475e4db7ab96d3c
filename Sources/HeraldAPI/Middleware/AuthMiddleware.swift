import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every route but the health checks (readiness and liveness).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let authenticator: TokenAuthenticator
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
        guard let tokenID = try await authenticator.authenticate(token) else {
            throw APIError.unauthorized("Invalid token")
        }
        var context = context
        context.tokenID = tokenID
        return try await next(request, context)
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
