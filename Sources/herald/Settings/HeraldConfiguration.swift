import Foundation
import HeraldCore
import HeraldDelivery
import Logging

/// Everything `herald serve` runs with, built in one place from flags, environment and config file (see
/// ``Setting``). The store's settings live in ``StoreOptions``, shared with the other commands.
struct HeraldConfiguration: Sendable {
    /// The HTTP API.
    struct Server: Sendable {
        var host = "127.0.0.1"
        var port = 8071
        var maximumBodyBytes = 1 << 20
        /// Seconds a connection may stay silent, between requests or within one, before it is closed.
        var idleTimeout: TimeInterval = 60
        var adminToken: String?
        /// Where the links of app-portal-access point (``Setting/appPortalURL``).
        var appPortalURL: String?
    }

    /// Log lines: how many and in which form.
    struct Logs: Sendable {
        enum Format: String, Sendable, CaseIterable {
            case text, json
        }

        var level = Logger.Level.info
        var format = Format.text
    }

    /// How long records are kept and how often expired ones are deleted.
    struct Retention: Sendable {
        var attemptRetention: TimeInterval = 90 * 86_400
        var pruneInterval: TimeInterval = 600
    }

    var server = Server()
    var deliveryEnabled = true
    var delivery = DeliveryConfiguration()
    var logs = Logs()
    var retention = Retention()

    init() {}

    init(_ values: SettingValues) throws {
        if let host = values.string(.host) { server.host = host }
        if let port = try values.integer(.port, in: 1...65535) { server.port = port }
        if let bytes = try values.integer(.maxBodyBytes, in: 1...Int.max) { server.maximumBodyBytes = bytes }
        if let seconds = try values.duration(.idleTimeout, positive: true) { server.idleTimeout = seconds }
        server.adminToken = values.string(.adminToken)
        server.appPortalURL = try values.parse(.appPortalURL) { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil,
                url.fragment == nil
            else { throw CommandFailure("must be an http or https URL without a #fragment, got '\(text)'") }
            return text
        }
        if let enabled = try values.toggle(.delivery) { deliveryEnabled = enabled }
        delivery = try DeliveryConfiguration(values)
        if let level = try values.choice(.logLevel, Logger.Level.allCases.map(\.rawValue)) {
            logs.level = Logger.Level(rawValue: level) ?? .info
        }
        if let format = try values.choice(.logFormat, Logs.Format.allCases.map(\.rawValue)) {
            logs.format = Logs.Format(rawValue: format) ?? .text
        }
        if let seconds = try values.duration(.attemptRetention, positive: true) {
            retention.attemptRetention = seconds
        }
        if let seconds = try values.duration(.pruneInterval, positive: true) { retention.pruneInterval = seconds }
    }
}

extension DeliveryConfiguration {
    /// A duration for an error message: `15s`, or `0.6s`.
    private static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }

    /// The delivery engine's settings; unset ones keep their defaults.
    init(_ values: SettingValues) throws {
        self.init()
        if let schedule = try values.parse(.retrySchedule, { try RetrySchedule(parsing: $0) }) {
            retrySchedule = schedule
        }
        if let seconds = try values.duration(.requestTimeout, positive: true) { requestTimeout = seconds }
        if let count = try values.integer(.endpointConcurrency, in: 1...Int.max) { endpointConcurrency = count }
        if let count = try values.integer(.globalConcurrency, in: 1...Int.max) { globalConcurrency = count }
        if let count = try values.integer(.circuitFailures, in: 1...Int.max) { circuit.failureThreshold = count }
        if let seconds = try values.duration(.circuitCooldown, positive: true) {
            circuit.cooldown = seconds
            circuit.maximumCooldown = max(circuit.maximumCooldown, seconds)
        }
        if let seconds = try values.duration(.disableAfter) { disableAfter = seconds }
        if let seconds = try values.duration(.pollInterval, positive: true) { pollInterval = seconds }
        if let seconds = try values.duration(.leaseDuration, positive: true) { leaseDuration = seconds }
        guard leaseDuration > requestTimeout else {
            let origin = values.raw(.leaseDuration)?.origin.description ?? Setting.leaseDuration.key
            throw CommandFailure(
                "\(origin): must be longer than the request timeout (\(Self.seconds(requestTimeout))), or attempts still "
                    + "running would be taken over by another instance")
        }
        guard leaseDuration >= 3 * pollInterval else {
            let origin = values.raw(.leaseDuration)?.origin.description ?? Setting.leaseDuration.key
            throw CommandFailure(
                "\(origin): must be at least three poll intervals (\(Self.seconds(3 * pollInterval))): leases and endpoint "
                    + "holds are renewed on poll ticks, every third of the lease")
        }
        if let mode = try values.choice(.signatureHeaders, SignatureHeaders.allCases.map(\.rawValue)) {
            signatureHeaders = SignatureHeaders(rawValue: mode) ?? .webhook
        }
        if let policy = try values.parse(.allowedNetworks, { try AddressPolicy(parsingAllowedNetworks: $0) }) {
            addressPolicy = policy
        }
        if let proxy = try values.parse(.outboundProxy, { try OutboundProxy(parsing: $0) }) { outboundProxy = proxy }
        if let application = values.string(.operationalApp) { operationalApplication = application }
    }
}
