import HTTPTypes
import HeraldCore

/// Which requests an application token may make: reading its own application (endpoints without their secrets,
/// messages, attempts, event types) and, with the capability for it, managing endpoints and sending again.
/// Anything not named here is refused, so a new route stays closed to application tokens until it is added.
enum ApplicationTokenAccess: Sendable, Hashable {
    /// Allowed with `capability`, within the application whose id or uid is `application` (nil: no application in
    /// the path).
    case allowed(application: String?, capability: ApplicationTokenScope.Capability)
    /// Refused, whatever the token's capabilities.
    case refused

    /// The rule for `method` on `path` (no query string).
    static func rule(_ method: HTTPRequest.Method, _ path: String) -> ApplicationTokenAccess {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard segments.count >= 3, segments[0] == "api", segments[1] == "v1" else { return .refused }
        segments.removeFirst(2)
        let reads = method == .get || method == .head
        switch segments[0] {
        case "auth":
            return method == .post && segments == ["auth", "logout"]
                ? .allowed(application: nil, capability: .viewBase) : .refused
        case "openapi.yaml":
            return reads && segments.count == 1 ? .allowed(application: nil, capability: .viewBase) : .refused
        case "event-type":
            return reads && segments.count <= 2 ? .allowed(application: nil, capability: .viewBase) : .refused
        case "app" where segments.count >= 2:
            guard let capability = applicationRule(reads: reads, method, Array(segments.dropFirst(2))) else {
                return .refused
            }
            return .allowed(application: segments[1], capability: capability)
        default:
            return .refused
        }
    }

    /// The capability for `rest`, the path after `/api/v1/app/{app_id}`; nil when it is refused.
    private static func applicationRule(reads: Bool, _ method: HTTPRequest.Method, _ rest: [String])
        -> ApplicationTokenScope.Capability?
    {
        switch rest.first {
        case nil:
            return reads ? .viewBase : nil
        case "endpoint":
            return endpointRule(reads: reads, method, Array(rest.dropFirst()))
        case "msg":
            if reads { return .viewBase }
            // POST …/msg/{msg}/endpoint/{ep}/resend; sending, prechecking and expunging messages are the producer's.
            return method == .post && rest.count == 5 && rest[2] == "endpoint" && rest[4] == "resend"
                ? .createAttempts : nil
        case "attempt":
            return reads ? .viewBase : nil
        case "destination":
            // Polling endpoints, managed like endpoints.
            return reads ? .viewBase : [.post, .put, .patch, .delete].contains(method) ? .manageEndpoint : nil
        case "poller":
            // Reading a polling endpoint, and moving one's own consumer's iterator (…/consumer/{id}/seek).
            return reads || (method == .post && rest.count == 5 && rest[4] == "seek") ? .viewBase : nil
        default:
            return nil
        }
    }

    /// The capability for `rest`, the path after `/api/v1/app/{app_id}/endpoint`.
    private static func endpointRule(reads: Bool, _ method: HTTPRequest.Method, _ rest: [String])
        -> ApplicationTokenScope.Capability?
    {
        switch (rest.count, rest.dropFirst().first) {
        case (2, "secret") where reads:
            return .viewEndpointSecret
        case _ where reads:
            return .viewBase
        case (0, _):
            return method == .post ? .manageEndpoint : nil
        case (1, _):
            return [.put, .patch, .delete].contains(method) ? .manageEndpoint : nil
        case (2, "headers"):
            return [.put, .patch].contains(method) ? .manageEndpoint : nil
        case (3, "secret") where rest[2] == "rotate":
            return method == .post ? .manageEndpointSecret : nil
        case (2, "recover"), (2, "replay-missing"), (2, "bulk-replay"), (2, "send-example"):
            return method == .post ? .createAttempts : nil
        default:
            return nil
        }
    }
}
