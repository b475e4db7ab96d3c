import Foundation
import HeraldCore
import HeraldStore

/// Svix's `AppPortalAccessIn`: a token for the people who receive one application's webhooks.
struct AppPortalAccessIn: Decodable, Sendable {
    /// Creates the application when the path names none (Svix's `application`); ignored when it exists.
    var application: ApplicationIn?
    var readOnly: Bool?
    /// Capability names (Svix's `AppPortalCapability`); none means all of them.
    var capabilities: [String]?
    /// The token sees the event types that carry no feature flag or one of these.
    var featureFlags: [String]?
    /// Lifetime in seconds.
    var expiry: Int?
    var sessionId: String?

    /// The shortest and longest lifetime of a token, and the default (Svix's: one hour to seven days).
    static let lifetimes: ClosedRange<Int> = 3600...(7 * 24 * 3600)

    /// Validates the fields and builds the token's scope for `application` (an id).
    func scope(application: String) throws -> ApplicationTokenScope {
        try Validate.featureFlags(featureFlags)
        if let sessionId { try Validate.printable(sessionId, ["sessionId"]) }
        var granted = Set(ApplicationTokenScope.Capability.allCases)
        if let capabilities {
            granted = Set(
                try capabilities.enumerated().map { index, name in
                    guard let capability = ApplicationTokenScope.Capability(rawValue: name) else {
                        let known = ApplicationTokenScope.Capability.allCases.map(\.rawValue).joined(separator: ", ")
                        throw ValidationError(["body", "capabilities", String(index)], "Expected one of \(known)")
                    }
                    return capability
                })
        }
        if readOnly == true { granted.formIntersection([.viewBase, .viewEndpointSecret]) }
        return ApplicationTokenScope(
            application: application, capabilities: granted, sessionID: sessionId, featureFlags: Set(featureFlags ?? []))
    }

    /// When the token stops working, from `now`.
    func expiresAt(now: Date) throws -> Date {
        let seconds = expiry ?? Self.lifetimes.upperBound
        guard Self.lifetimes.contains(seconds) else {
            throw ValidationError(["body", "expiry"], "Must be between 3600 (one hour) and 604800 (seven days)")
        }
        return now.addingTimeInterval(TimeInterval(seconds))
    }
}

/// Svix's `AppPortalAccessOut`.
struct AppPortalAccessOut: Encodable, Sendable {
    /// The operator's portal (the `app-portal-url` setting) with the token after `#key=`, or without that setting
    /// the application's URL in this API.
    var url: String
    var token: String
}

/// Svix's `ApplicationTokenExpireIn`.
struct ApplicationTokenExpireIn: Decodable, Sendable {
    /// Seconds until the tokens expire; none means at once.
    var expiry: Int?
    /// Only the tokens of these sessions; none or an empty list means every token of the application.
    var sessionIds: [String]?

    /// When the tokens stop working, from `now`.
    func expiresAt(now: Date) throws -> Date {
        let seconds = expiry ?? 0
        guard (0...AppPortalAccessIn.lifetimes.upperBound).contains(seconds) else {
            throw ValidationError(["body", "expiry"], "Must be between 0 and 604800 (seven days)")
        }
        return now.addingTimeInterval(TimeInterval(seconds))
    }

    /// The sessions to expire, nil for all.
    func sessions() throws -> [String]? {
        guard let sessionIds, !sessionIds.isEmpty else { return nil }
        for (index, session) in sessionIds.enumerated() { try Validate.printable(session, ["sessionIds", String(index)]) }
        return sessionIds
    }
}
