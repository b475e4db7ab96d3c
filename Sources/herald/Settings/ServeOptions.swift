import ArgumentParser

/// The flags of `herald serve`: one per ``Setting`` (the store's are in ``StoreOptions``). All are text here and
/// parsed with the environment's and the file's values, so a bad value reads the same from any source.
struct ServeOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: ArgumentHelp(Setting.host.help)) var host: String?
    @Option(name: .customLong("port"), help: ArgumentHelp(Setting.port.help)) var port: String?
    @Option(name: .customLong("max-body-bytes"), help: ArgumentHelp(Setting.maxBodyBytes.help))
    var maxBodyBytes: String?
    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(Setting.idleTimeout.help))
    var idleTimeout: String?
    @Option(
        name: .customLong("admin-token"),
        help: ArgumentHelp(Setting.adminToken.help + " Prefer the environment: flags show in the process list."))
    var adminToken: String?
    @Option(name: .customLong("app-portal-url"), help: ArgumentHelp(Setting.appPortalURL.help))
    var appPortalURL: String?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp(Setting.delivery.help)) var delivery: Bool?
    @Option(name: .customLong("retry-schedule"), help: ArgumentHelp(Setting.retrySchedule.help))
    var retrySchedule: String?
    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(Setting.requestTimeout.help))
    var requestTimeout: String?
    @Option(name: .customLong("endpoint-concurrency"), help: ArgumentHelp(Setting.endpointConcurrency.help))
    var endpointConcurrency: String?
    @Option(name: .customLong("global-concurrency"), help: ArgumentHelp(Setting.globalConcurrency.help))
    var globalConcurrency: String?
    @Option(name: .customLong("circuit-failures"), help: ArgumentHelp(Setting.circuitFailures.help))
    var circuitFailures: String?
    @Option(name: .customLong("circuit-cooldown"), help: ArgumentHelp(Setting.circuitCooldown.help))
    var circuitCooldown: String?
    @Option(name: .customLong("disable-after"), help: ArgumentHelp(Setting.disableAfter.help))
    var disableAfter: String?
    @Option(name: .customLong("poll-interval"), help: ArgumentHelp(Setting.pollInterval.help))
    var pollInterval: String?
    @Option(name: .customLong("lease-duration"), help: ArgumentHelp(Setting.leaseDuration.help))
    var leaseDuration: String?
    @Option(name: .customLong("signature-headers"), help: ArgumentHelp(Setting.signatureHeaders.help))
    var signatureHeaders: String?
    @Option(name: .customLong("allowed-networks"), help: ArgumentHelp(Setting.allowedNetworks.help))
    var allowedNetworks: String?
    @Option(name: .customLong("outbound-proxy"), help: ArgumentHelp(Setting.outboundProxy.help))
    var outboundProxy: String?
    @Option(name: .customLong("operational-app"), help: ArgumentHelp(Setting.operationalApp.help))
    var operationalApp: String?
    @Option(name: .customLong("attempt-retention"), help: ArgumentHelp(Setting.attemptRetention.help))
    var attemptRetention: String?
    @Option(name: .customLong("prune-interval"), help: ArgumentHelp(Setting.pruneInterval.help))
    var pruneInterval: String?
    @Option(name: .customLong("log-level"), help: ArgumentHelp(Setting.logLevel.help)) var logLevel: String?
    @Option(name: .customLong("log-format"), help: ArgumentHelp(Setting.logFormat.help)) var logFormat: String?

    /// The flags given, by setting key.
    var flagValues: [String: String] {
        let pairs: [(Setting, String?)] = [
            (.host, host), (.port, port), (.maxBodyBytes, maxBodyBytes), (.idleTimeout, idleTimeout), (.adminToken, adminToken),
            (.appPortalURL, appPortalURL),
            (.delivery, delivery.map { $0 ? "on" : "off" }), (.retrySchedule, retrySchedule),
            (.requestTimeout, requestTimeout), (.endpointConcurrency, endpointConcurrency),
            (.globalConcurrency, globalConcurrency), (.circuitFailures, circuitFailures),
            (.circuitCooldown, circuitCooldown), (.disableAfter, disableAfter), (.pollInterval, pollInterval),
            (.leaseDuration, leaseDuration),
            (.signatureHeaders, signatureHeaders), (.allowedNetworks, allowedNetworks), (.outboundProxy, outboundProxy),
            (.operationalApp, operationalApp), (.attemptRetention, attemptRetention),
            (.pruneInterval, pruneInterval), (.logLevel, logLevel), (.logFormat, logFormat),
        ]
        var values: [String: String] = [:]
        for case let (setting, value?) in pairs { values[setting.key] = value }
        return values
    }
}
