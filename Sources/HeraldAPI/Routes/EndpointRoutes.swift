import Foundation
import HeraldCore
import HeraldStore
import Hummingbird
import WebhookSignature

/// `/api/v1/app/{app_id}/endpoint`: an application's subscribers, their secrets, headers and stats; and
/// `/api/v1/operational-webhook/endpoint`, Svix's operational webhook endpoints: those of the operational
/// application, which receives Herald's operational events.
struct EndpointRoutes {
    /// Whose endpoints the routes serve.
    enum Owner: Sendable {
        /// The application named in the path.
        case application
        /// The operational application (id or uid), created with that uid on first use.
        case operational(String)
    }

    let store: any Store
    let configuration: APIConfiguration
    let events: OperationalEvents?
    var owner = Owner.application

    var path: String {
        switch owner {
        case .application: "/api/v1/app/{app_id}/endpoint"
        case .operational: "/api/v1/operational-webhook/endpoint"
        }
    }
    var item: String { path + "/{endpoint_id}" }

    func register(on router: Router<HeraldRequestContext>) {
        router.get(.init(path)) { request, context in
            let page = try await store.endpoints(
                application: application(request, context),
                Query(request).page(defaultOrder: .ascending)
            )
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(EndpointOut($0)) }
        }
        router.post(.init(path)) { request, context in
            let input = try await decode(EndpointIn.self, request, context)
            try input.validate()
            let secret = try input.secret.map { try Validate.secret($0, ["secret"]) } ?? WebhookSecret.generateHMAC()
            let endpoint = try await store.insertEndpoint(
                makeEndpoint(input, secret: secret, application: application(request, context))
            )
            await events?.publish([.endpoint("endpoint.created", endpoint)])
            return try JSONCoding.response(EndpointOut(endpoint), status: .created)
        }
        router.get(.init(item)) { request, context in
            try JSONCoding.response(EndpointOut(try await endpoint(request, context)))
        }
        router.put(.init(item)) { request, context in
            try await upsert(request, context)
        }
        router.delete(.init(item)) { request, context in
            let endpoint = try await endpoint(request, context)
            try await store.deleteEndpoint(application: endpoint.applicationID, endpoint.id)
            await events?.publish([.endpoint("endpoint.deleted", endpoint)])
            return JSONCoding.noContent()
        }
        registerSecretAndHeaders(on: router)
        if case .application = owner { registerApplicationOnly(on: router) }
    }

    /// Secret and headers: the same for both owners.
    private func registerSecretAndHeaders(on router: Router<HeraldRequestContext>) {
        router.get(.init(item + "/secret")) { request, context in
            try JSONCoding.response(EndpointSecretOut(key: try await endpoint(request, context).secrets.current))
        }
        router.post(.init(item + "/secret/rotate")) { request, context in
            let bytes = try await JSONCoding.body(request, limit: configuration.maximumBodyBytes)
            let input = bytes.isEmpty ? EndpointSecretRotateIn() : try JSONCoding.decode(EndpointSecretRotateIn.self, from: bytes)
            try input.validate()
            let key = try input.key.map { try Validate.secret($0, ["key"]) } ?? WebhookSecret.generateHMAC()
            let grace = TimeInterval(input.gracePeriodSeconds ?? Int(EndpointSecrets.defaultGracePeriod))
            let now = Date()
            _ = try await update(request, context) {
                $0.secrets = $0.secrets.rotated(to: key.encoded, gracePeriod: grace, now: now)
                $0.updatedAt = now
            }
            return try JSONCoding.response(EndpointSecretOut(key: key.encoded))
        }
        router.get(.init(item + "/headers")) { request, context in
            let headers = try await endpoint(request, context).headers
            // Credentials go out with deliveries but are never read back: they are listed by name only.
            return try JSONCoding.response(
                EndpointHeadersOut(
                    headers: headers.filter { !Self.isSensitive($0.key) },
                    sensitive: headers.keys.filter(Self.isSensitive).sorted()
                )
            )
        }
        router.put(.init(item + "/headers")) { request, context in
            let input = try await decode(EndpointHeadersIn.self, request, context)
            try Validate.headers(input.headers)
            let now = Date()
            _ = try await update(request, context) {
                $0.headers = input.headers
                $0.updatedAt = now
            }
            return JSONCoding.noContent()
        }
    }

    /// Patches and stats: Svix has them for applications' endpoints only.
    private func registerApplicationOnly(on router: Router<HeraldRequestContext>) {
        router.patch(.init(item)) { request, context in
            let patch = try await decode(EndpointPatch.self, request, context)
            try patch.validate()
            let now = Date()
            let endpoint = try await update(request, context) {
                patch.apply(to: &$0)
                $0.updatedAt = now
            }
            await events?.publish([.endpoint("endpoint.updated", endpoint)])
            return try JSONCoding.response(EndpointOut(endpoint))
        }
        router.patch(.init(item + "/headers")) { request, context in
            let input = try await decode(EndpointHeadersIn.self, request, context)
            try Validate.headers(input.headers)
            let now = Date()
            _ = try await update(request, context) { endpoint in
                endpoint.headers.merge(input.headers) { _, new in new }
                for name in input.deleteHeaders ?? [] {
                    endpoint.headers = endpoint.headers.filter { $0.key.lowercased() != name.lowercased() }
                }
                endpoint.updatedAt = now
            }
            return JSONCoding.noContent()
        }
        router.get(.init(item + "/stats")) { request, context in
            let query = try Query(request)
            let stats = try await store.endpointStats(
                application: application(request, context),
                endpoint: request.pathParameter("endpoint_id", context),
                since: query.date("since"),
                until: query.date("until")
            )
            return try JSONCoding.response(EndpointStatsOut(stats))
        }
        router.get(.init(item + "/attempt-stats")) { request, context in
            let query = try Query(request)
            // As Svix's: the window is widened to whole hours.
            let hour: TimeInterval = 3600
            let since = try query.date("since").map {
                Date(timeIntervalSince1970: ($0.timeIntervalSince1970 / hour).rounded(.down) * hour)
            }
            let until = try query.date("until").map {
                Date(timeIntervalSince1970: ($0.timeIntervalSince1970 / hour).rounded(.up) * hour)
            }
            let stats = try await store.attemptStats(
                application: application(request, context),
                endpoint: request.pathParameter("endpoint_id", context),
                since: since,
                until: until
            )
            return try JSONCoding.response(
                EndpointAttemptStatsOut(success: stats.success, fail: stats.fail, canceled: stats.canceled))
        }
    }

    /// Header names whose values are credentials.
    static func isSensitive(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower == "cookie" || lower.contains("token") || lower.contains("secret")
            || lower.contains("api-key") || lower.contains("apikey") || lower.contains("password")
    }

    private func makeEndpoint(_ input: EndpointIn, secret: WebhookSecret, application: String) -> Endpoint {
        let now = Date()
        var endpoint = Endpoint(
            id: Identifier.make(prefix: Identifier.endpointPrefix, milliseconds: now.millisecondsSince1970),
            applicationID: application,
            url: input.url,
            secrets: EndpointSecrets(current: secret.encoded),
            createdAt: now,
            updatedAt: now
        )
        input.apply(to: &endpoint)
        return endpoint
    }

    private func upsert(_ request: Request, _ context: HeraldRequestContext) async throws -> Response {
        let input = try await decode(EndpointIn.self, request, context)
        try input.validate()
        let now = Date()
        do {
            let endpoint = try await update(request, context) {
                let uid = $0.uid
                input.apply(to: &$0)
                $0.uid = input.uid ?? uid
                $0.updatedAt = now
            }
            await events?.publish([.endpoint("endpoint.updated", endpoint)])
            return try JSONCoding.response(EndpointOut(endpoint))
        } catch let error as HeraldError where error.isNotFound && error.detail.hasPrefix("Endpoint") {
            let key = try request.pathParameter("endpoint_id", context)
            var endpoint = makeEndpoint(input, secret: .generateHMAC(), application: try await application(request, context))
            endpoint.uid = input.uid ?? key
            try Validate.identifier(endpoint.uid ?? "", ["uid"])
            let created = try await store.insertEndpoint(endpoint)
            await events?.publish([.endpoint("endpoint.created", created)])
            return try JSONCoding.response(EndpointOut(created), status: .created)
        }
    }

    /// The id or uid of the application whose endpoints the request is about.
    private func application(_ request: Request, _ context: HeraldRequestContext) async throws -> String {
        switch owner {
        case .application:
            return try request.pathParameter("app_id", context)
        case .operational(let key):
            let id = try await ApplicationCreation.operationalID(key, store: store)
            events?.applicationMayExistNow()
            return id
        }
    }

    private func endpoint(_ request: Request, _ context: HeraldRequestContext) async throws -> Endpoint {
        try await store.endpoint(
            application: application(request, context),
            request.pathParameter("endpoint_id", context)
        )
    }

    private func update(
        _ request: Request,
        _ context: HeraldRequestContext,
        _ change: @escaping @Sendable (inout Endpoint) throws -> Void
    ) async throws -> Endpoint {
        try await store.updateEndpoint(
            application: application(request, context),
            request.pathParameter("endpoint_id", context),
            change
        )
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: HeraldRequestContext) async throws -> T {
        try await JSONCoding.decode(T.self, request: request, context: context, limit: configuration.maximumBodyBytes)
    }
}
