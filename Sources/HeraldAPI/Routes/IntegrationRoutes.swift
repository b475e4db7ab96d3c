import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/app/{app_id}/integration`: Svix's integrations, third parties that manage an application's endpoints
/// with a key of their own. The key is an application token with every capability and the integration's feature
/// flags; it never expires, and only `…/key/rotate` shows one (the previous key stops working at once).
struct IntegrationRoutes {
    let store: any Store
    let configuration: APIConfiguration
    let authenticator: TokenAuthenticator
    static let path = "/api/v1/app/{app_id}/integration"
    static let item = path + "/{integ_id}"

    func register(on router: Router<HeraldRequestContext>) {
        router.get(.init(Self.path)) { request, context in
            let application = try await applicationID(request, context)
            let page = try await store.integrations(application: application, Query(request).page(defaultOrder: .ascending))
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(IntegrationOut($0)) }
        }
        router.post(.init(Self.path)) { request, context in
            let input = try await decode(request, context)
            let now = Date()
            let integration = Integration(
                id: Identifier.make(prefix: Identifier.integrationPrefix, milliseconds: now.millisecondsSince1970),
                applicationID: try await applicationID(request, context),
                name: input.name, featureFlags: input.featureFlags, createdAt: now, updatedAt: now)
            return try JSONCoding.response(IntegrationOut(try await store.insertIntegration(integration)), status: .created)
        }
        router.get(.init(Self.item)) { request, context in
            try JSONCoding.response(IntegrationOut(try await integration(request, context)))
        }
        router.put(.init(Self.item)) { request, context in
            let input = try await decode(request, context)
            var integration = try await integration(request, context)
            integration.name = input.name
            integration.featureFlags = input.featureFlags
            integration.updatedAt = Date()
            let updated = try await store.updateIntegration(integration)
            if let tokenID = updated.tokenID { authenticator.forget { $0.id == tokenID } }
            return try JSONCoding.response(IntegrationOut(updated))
        }
        router.delete(.init(Self.item)) { request, context in
            let integration = try await integration(request, context)
            try await store.deleteIntegration(application: integration.applicationID, integration.id)
            if let tokenID = integration.tokenID { authenticator.forget { $0.id == tokenID } }
            return JSONCoding.noContent()
        }
        router.post(.init(Self.item + "/key/rotate")) { request, context in
            let integration = try await integration(request, context)
            let key = APITokenSecret.generate()
            let now = Date()
            let token = APIToken(
                id: Identifier.make(prefix: Identifier.tokenPrefix, milliseconds: now.millisecondsSince1970),
                name: "integration \(integration.id)", hash: APITokenSecret.hash(key), createdAt: now,
                scope: integration.keyScope)
            _ = try await store.rotateIntegrationKey(application: integration.applicationID, integration.id, key: token)
            if let previous = integration.tokenID { authenticator.forget { $0.id == previous } }
            return try JSONCoding.response(IntegrationKeyOut(key: key))
        }
    }

    private func applicationID(_ request: Request, _ context: HeraldRequestContext) async throws -> String {
        try await store.application(request.pathParameter("app_id", context)).id
    }

    private func integration(_ request: Request, _ context: HeraldRequestContext) async throws -> Integration {
        try await store.integration(
            application: applicationID(request, context), request.pathParameter("integ_id", context))
    }

    private func decode(_ request: Request, _ context: HeraldRequestContext) async throws -> IntegrationIn {
        let input = try await JSONCoding.decode(
            IntegrationIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
        try input.validate()
        return input
    }
}
