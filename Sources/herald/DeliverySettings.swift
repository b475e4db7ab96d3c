import Foundation
import HeraldCore
import HeraldDelivery

/// Builds the delivery engine's configuration from `HERALD_*` environment variables, naming the variable
/// in any error.
enum DeliverySettings {
    static func configuration(from environment: [String: String]) throws -> DeliveryConfiguration {
        var configuration = DeliveryConfiguration()
        if let text = value(environment, "HERALD_RETRY_SCHEDULE") {
            do {
                configuration.retrySchedule = try RetrySchedule(parsing: text)
            } catch {
                throw CommandFailure("HERALD_RETRY_SCHEDULE: \(error.description)")
            }
        }
        if let seconds = try duration(environment, "HERALD_REQUEST_TIMEOUT") {
            guard seconds > 0 else { throw CommandFailure("HERALD_REQUEST_TIMEOUT must be positive") }
            configuration.requestTimeout = seconds
        }
        if let count = try integer(environment, "HERALD_ENDPOINT_CONCURRENCY", minimum: 1) {
            configuration.endpointConcurrency = count
        }
        if let count = try integer(environment, "HERALD_GLOBAL_CONCURRENCY", minimum: 1) {
            configuration.globalConcurrency = count
        }
        if let count = try integer(environment, "HERALD_CIRCUIT_FAILURES", minimum: 1) {
            configuration.circuit.failureThreshold = count
        }
        if let seconds = try duration(environment, "HERALD_CIRCUIT_COOLDOWN") {
            configuration.circuit.cooldown = seconds
            configuration.circuit.maximumCooldown = max(configuration.circuit.maximumCooldown, seconds)
        }
        if let seconds = try duration(environment, "HERALD_DISABLE_AFTER") { configuration.disableAfter = seconds }
        if let seconds = try duration(environment, "HERALD_POLL_INTERVAL") {
            guard seconds > 0 else { throw CommandFailure("HERALD_POLL_INTERVAL must be positive") }
            configuration.pollInterval = seconds
        }
        if let text = value(environment, "HERALD_SIGNATURE_HEADERS") {
            guard let mode = DeliveryConfiguration.SignatureHeaders(rawValue: text) else {
                throw CommandFailure("HERALD_SIGNATURE_HEADERS must be webhook, svix or both, got '\(text)'")
            }
            configuration.signatureHeaders = mode
        }
        if let text = value(environment, "HERALD_ALLOWED_NETWORKS") {
            do {
                configuration.addressPolicy = try AddressPolicy(parsingAllowedNetworks: text)
            } catch {
                throw CommandFailure("HERALD_ALLOWED_NETWORKS: \(error.description)")
            }
        }
        configuration.operationalApplication = value(environment, "HERALD_OPERATIONAL_APP")
        return configuration
    }

    private static func value(_ environment: [String: String], _ name: String) -> String? {
        environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    private static func integer(_ environment: [String: String], _ name: String, minimum: Int) throws -> Int? {
        guard let text = value(environment, name) else { return nil }
        guard let number = Int(text), number >= minimum else {
            throw CommandFailure("\(name) must be an integer of at least \(minimum), got '\(text)'")
        }
        return number
    }

    /// Seconds from `15`, `15s`, `500ms`, `2m`, `3h` or `5d`.
    static func duration(_ environment: [String: String], _ name: String) throws -> TimeInterval? {
        guard let text = value(environment, name) else { return nil }
        if let seconds = Double(text), seconds >= 0 { return seconds }
        if text.hasSuffix("d"), let days = Double(text.dropLast()), days >= 0 { return days * 86_400 }
        guard let schedule = try? RetrySchedule(parsing: text), schedule.delays.count == 1 else {
            throw CommandFailure("\(name) must be a duration such as 15s, 500ms, 2m, 3h or 5d, got '\(text)'")
        }
        return schedule.delays[0]
    }
}
