import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/auth`: application tokens (Svix's app portal access), for the people who receive one application's
/// webhooks: issued with a lifetime and capabilities, ended by logging out or by expiring all of an application's.
struct AuthRoutes {
    let store: any Store
    let configuration: APIConfiguration
    let authenticator: TokenAuthenticator

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/auth/app-portal-access/{app_id}") { request, context in
            try await appPortalAccess(request, context)
        }
        router.post("/api/v1/auth/logout") { _, context in
            guard let tokenID = context.tokenID, context.tokenScope != nil else {
                throw APIError.forbidden(
                    "Only application tokens log out; revoke other tokens with `herald token revoke`")
            }
            _ = try await store.revokeToken(tokenID, now: Date())
            authenticator.forget { $0.id == tokenID }
            return JSONCoding.noContent()
        }
        router.post("/api/v1/auth/app/{app_id}/expire-all") { request, context in
            let input = try await JSONCoding.decode(
                ApplicationTokenExpireIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            let expiresAt = try input.expiresAt(now: Date())
            let sessions = try input.sessions()
            let application = try await store.application(request.pathParameter("app_id", context))
            _ = try await store.expireApplicationTokens(application: application.id, sessionIDs: sessions, at: expiresAt)
            authenticator.forget { $0.scope?.application == application.id }
            return JSONCoding.noContent()
        }
    }

    private func appPortalAccess(_ request: Request, _ context: HeraldRequestContext) async throws -> Response {
        let input = try await JSONCoding.decode(
            AppPortalAccessIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
        let now = Date()
        let expiresAt = try input.expiresAt(now: now)
        let key = try request.pathParameter("app_id", context)
        let application = try await ApplicationCreation.existingOrCreated(key, store: store) {
            try input.application?.makeApplication(pathKey: key, now: now)
        }
        let scope = try input.scope(application: application.id)
        let token = APITokenSecret.generate()
        try await store.insertToken(
            APIToken(
                id: Identifier.make(prefix: Identifier.tokenPrefix, milliseconds: now.millisecondsSince1970),
                name: "app-portal",
                hash: APITokenSecret.hash(token),
                createdAt: now,
                scope: scope,
                expiresAt: expiresAt
            )
        )
        return try JSONCoding.response(AppPortalAccessOut(url: portalURL(application, token, request), token: token))
    }

    /// The operator's portal with the token after `#key=`; without one, the application's URL in this API (the
    /// token is not put in it: there is no page there to read it).
    private func portalURL(_ application: HeraldCore.Application, _ token: String, _ request: Request) -> String {
        if let portal = configuration.appPortalURL { return portal + "#key=" + token }
        let host = request.head.authority ?? "127.0.0.1"
        return "http://\(host)/api/v1/app/\(application.id)"
    }
}
