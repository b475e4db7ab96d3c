import Foundation
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
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("Missing Authorization header; send 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
        }
        guard let tokenID = try await authenticator.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces))
        else {
            throw APIError.unauthorized("Invalid token")
        }
        var context = context
        context.tokenID = tokenID
        return try await next(request, context)
    }
}
