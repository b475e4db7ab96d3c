import HTTPTypes
import HeraldCore
import Testing

@testable import HeraldAPI

/// Every route of the spec is classified for application tokens on purpose: a new route fails here until it is.
@Suite struct ApplicationTokenAccessTests {
    typealias Capability = ApplicationTokenScope.Capability

    /// What application tokens may do, by `METHOD /path` of the spec; every other operation is refused.
    static let allowed: [String: Capability] = [
        "GET /api/v1/openapi.yaml": .viewBase,
        "POST /api/v1/auth/logout": .viewBase,
        "GET /api/v1/event-type": .viewBase,
        "GET /api/v1/event-type/{event_type_name}": .viewBase,
        "GET /api/v1/app/{app_id}": .viewBase,
        "GET /api/v1/app/{app_id}/endpoint": .viewBase,
        "POST /api/v1/app/{app_id}/endpoint": .manageEndpoint,
        "GET /api/v1/app/{app_id}/endpoint/{endpoint_id}": .viewBase,
        "PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}": .manageEndpoint,
        "PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}": .manageEndpoint,
        "DELETE /api/v1/app/{app_id}/endpoint/{endpoint_id}": .manageEndpoint,
        "GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret": .viewEndpointSecret,
        "POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate": .manageEndpointSecret,
        "GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers": .viewBase,
        "PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers": .manageEndpoint,
        "PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers": .manageEndpoint,
        "GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/stats": .viewBase,
        "GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/attempt-stats": .viewBase,
        "GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/msg": .viewBase,
        "POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/recover": .createAttempts,
        "POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/replay-missing": .createAttempts,
        "POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/bulk-replay": .createAttempts,
        "POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example": .createAttempts,
        "GET /api/v1/app/{app_id}/msg": .viewBase,
        "GET /api/v1/app/{app_id}/msg/{msg_id}": .viewBase,
        "GET /api/v1/app/{app_id}/msg/{msg_id}/endpoint": .viewBase,
        "POST /api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend": .createAttempts,
        "GET /api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}": .viewBase,
        "GET /api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}": .viewBase,
        "GET /api/v1/app/{app_id}/attempt/msg/{msg_id}": .viewBase,
        "GET /api/v1/app/{app_id}/destination": .viewBase,
        "POST /api/v1/app/{app_id}/destination": .manageEndpoint,
        "GET /api/v1/app/{app_id}/destination/{destination_id}": .viewBase,
        "PUT /api/v1/app/{app_id}/destination/{destination_id}": .manageEndpoint,
        "PATCH /api/v1/app/{app_id}/destination/{destination_id}": .manageEndpoint,
        "DELETE /api/v1/app/{app_id}/destination/{destination_id}": .manageEndpoint,
        "GET /api/v1/app/{app_id}/poller/{sink_id}": .viewBase,
        "GET /api/v1/app/{app_id}/poller/{sink_id}/consumer/{consumer_id}": .viewBase,
        "POST /api/v1/app/{app_id}/poller/{sink_id}/consumer/{consumer_id}/seek": .viewBase,
    ]

    @Test func everyOperationOfTheSpecGetsTheRuleItIsListedWith() throws {
        let operations = OpenAPIContractTests.specOperations(HeraldRouter.openAPISpec)
        #expect(Set(Self.allowed.keys).subtracting(operations).sorted() == [], "allowed but not in the spec")
        var refused = 0
        for operation in operations.sorted() {
            let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
            let method = try #require(HTTPRequest.Method(parts[0]))
            // A concrete path: the application as `acme`, other parameters as ids.
            let path = parts[1].replacingOccurrences(of: "{app_id}", with: "acme")
                .replacingOccurrences(of: "{", with: "x_").replacingOccurrences(of: "}", with: "")
            let rule = ApplicationTokenAccess.rule(method, path)
            if let capability = Self.allowed[operation] {
                let application: String? = parts[1].contains("{app_id}") ? "acme" : nil
                #expect(rule == .allowed(application: application, capability: capability), "\(operation)")
            } else {
                #expect(rule == .refused, "\(operation)")
                refused += 1
            }
        }
        #expect(refused >= 15)
    }

    @Test func pathsOutsideTheAPIAndOddShapesAreRefused() {
        for (method, path) in [
            (HTTPRequest.Method.get, "/"), (.get, "/api"), (.get, "/api/v1"), (.get, "/api/v2/app/acme"),
            (.get, "/api/v1/app"), (.get, "/api/v1/event-type/a/b"), (.post, "/api/v1/auth/logout/x"),
            (.get, "/api/v1/app/acme/unknown"), (.options, "/api/v1/app/acme"),
            (.post, "/api/v1/app/acme/msg/x/endpoint/y/other"), (.delete, "/api/v1/app/acme/endpoint"),
        ] {
            #expect(ApplicationTokenAccess.rule(method, path) == .refused, "\(method) \(path)")
        }
        #expect(
            ApplicationTokenAccess.rule(.head, "/api/v1/app/acme/msg") == .allowed(application: "acme", capability: .viewBase))
    }

    @Test func managingAnEndpointIncludesItsSecretAndManagingTheSecretIncludesReadingIt() {
        let manager = ApplicationTokenScope(application: "app_1", capabilities: [.manageEndpoint])
        #expect(manager.allows(.viewEndpointSecret) && manager.allows(.manageEndpointSecret) && manager.allows(.viewBase))
        #expect(!manager.allows(.createAttempts))
        let rotator = ApplicationTokenScope(application: "app_1", capabilities: [.manageEndpointSecret])
        #expect(rotator.allows(.viewEndpointSecret) && !rotator.allows(.manageEndpoint))
        let viewer = ApplicationTokenScope(application: "app_1", capabilities: [])
        #expect(viewer.capabilities == [.viewBase])
        #expect(!viewer.allows(.viewEndpointSecret))
        #expect(ApplicationTokenScope.capabilities(stored: manager.storedCapabilities) == manager.capabilities)
        #expect(ApplicationTokenScope.capabilities(stored: "ViewBase,SomethingNew") == [.viewBase])
    }
}
