/// One setting of Herald. It has one name everywhere: `key` in the config file, `HERALD_<KEY>` in the environment
/// (upper case, `-` as `_`) and `--<key>` on the command line. Precedence: flag, environment, file, default.
struct Setting: Sendable, Hashable {
    /// The name in the config file and, prefixed with `--`, the flag.
    let key: String
    /// The default as a person reads it in the reference ("unset" when there is none).
    let defaultValue: String
    /// What the setting does, in one line.
    let summary: String
    /// Whether the value is a secret: never printed back, and better given through the environment than a flag.
    var isSecret = false

    var environmentName: String { "HERALD_" + key.uppercased().replacingOccurrences(of: "-", with: "_") }
    var flag: String { "--" + key }

    /// The `--help` text of the setting's flag.
    var help: String {
        let fallback = defaultValue == "unset" ? "" : ", default \(defaultValue)"
        return "\(summary) (env \(environmentName)\(fallback))."
    }
}

extension Setting {
    static let config = Setting(
        key: "config", defaultValue: "unset", summary: "config file to read settings from (flat TOML: key = value)")

    // MARK: Server
    static let host = Setting(key: "host", defaultValue: "127.0.0.1", summary: "address the API listens on")
    static let port = Setting(key: "port", defaultValue: "8071", summary: "port the API listens on")
    static let maxBodyBytes = Setting(
        key: "max-body-bytes", defaultValue: "1048576", summary: "largest accepted request body, in bytes")
    static let idleTimeout = Setting(
        key: "idle-timeout", defaultValue: "60s",
        summary: "an API connection that sends nothing for this long between requests, or within one, is closed")
    static let adminToken = Setting(
        key: "admin-token", defaultValue: "unset", summary: "a bearer token with full access that is never stored",
        isSecret: true)
    static let appPortalURL = Setting(
        key: "app-portal-url", defaultValue: "unset",
        summary: "http(s) URL of your page for an application's receivers: app-portal-access links point there with #key=<token>")

    // MARK: Store
    static let dataDir = Setting(
        key: "data-dir", defaultValue: "./herald-data",
        summary: "directory of the embedded SQLite database, its key file and instance id")
    static let databaseURL = Setting(
        key: "database-url", defaultValue: "unset",
        summary: "postgres://user:password@host:port/database to use PostgreSQL instead of the embedded SQLite",
        isSecret: true)
    static let mainKey = Setting(
        key: "main-key", defaultValue: "unset",
        summary: "base64 of 32 bytes that encrypt endpoint secrets at rest; unset uses <data-dir>/main.key",
        isSecret: true)

    // MARK: Delivery
    static let delivery = Setting(
        key: "delivery", defaultValue: "on", summary: "run the delivery engine in this process; off serves the API only")
    static let retrySchedule = Setting(
        key: "retry-schedule", defaultValue: "5s,5m,30m,2h,5h,10h,10h",
        summary: "delays between attempts (ms, s, m, h), each with ±20% jitter")
    static let requestTimeout = Setting(
        key: "request-timeout", defaultValue: "15s", summary: "one attempt, from connect to the last byte read")
    static let endpointConcurrency = Setting(
        key: "endpoint-concurrency", defaultValue: "16", summary: "requests in flight to one endpoint")
    static let globalConcurrency = Setting(
        key: "global-concurrency", defaultValue: "512", summary: "requests in flight in this process")
    static let circuitFailures = Setting(
        key: "circuit-failures", defaultValue: "5", summary: "consecutive failed attempts that open an endpoint's circuit")
    static let circuitCooldown = Setting(
        key: "circuit-cooldown", defaultValue: "30s",
        summary: "how long an open circuit waits before its probe (doubles while probes fail, up to 10m)")
    static let disableAfter = Setting(
        key: "disable-after", defaultValue: "5d", summary: "an endpoint failing with no success this long is disabled")
    static let pollInterval = Setting(
        key: "poll-interval", defaultValue: "1s",
        summary: "how often due retries are looked for (fresh messages go out at once)")
    static let signatureHeaders = Setting(
        key: "signature-headers", defaultValue: "webhook",
        summary: "webhook, svix or both: the header names that carry id, timestamp and signature")
    static let allowedNetworks = Setting(
        key: "allowed-networks", defaultValue: "unset",
        summary: "comma-separated CIDRs deliveries may reach despite the private-address guard")
    static let outboundProxy = Setting(
        key: "outbound-proxy", defaultValue: "unset",
        summary:
            "http://[user:password@]host:port of an HTTP proxy every delivery goes through (https endpoints by CONNECT)",
        isSecret: true)
    static let leaseDuration = Setting(
        key: "lease-duration", defaultValue: "5m",
        summary:
            "how long deliveries and endpoints an instance took stay its own unless renewed (at least 3 poll intervals); after a crash others take them over then"
    )
    static let operationalApp = Setting(
        key: "operational-app", defaultValue: "herald-operational",
        summary: "application (id or uid) that receives Herald's operational events; operational-webhook endpoints are its")

    // MARK: Retention
    static let attemptRetention = Setting(
        key: "attempt-retention", defaultValue: "90d", summary: "how long attempts (and recover and replay tasks) are kept")
    static let pruneInterval = Setting(
        key: "prune-interval", defaultValue: "10m",
        summary: "how often expired payloads, attempts and idempotency keys are deleted")

    // MARK: Observability
    static let logLevel = Setting(
        key: "log-level", defaultValue: "info", summary: "trace, debug, info, notice, warning, error or critical")
    static let logFormat = Setting(
        key: "log-format", defaultValue: "text", summary: "text, or json for one JSON object per line")

    /// Every setting, in the order of the reference.
    static let all: [Setting] = [
        config, host, port, maxBodyBytes, idleTimeout, adminToken, appPortalURL, dataDir, databaseURL, mainKey, delivery,
        retrySchedule,
        requestTimeout, endpointConcurrency, globalConcurrency, circuitFailures, circuitCooldown, disableAfter,
        pollInterval, leaseDuration, signatureHeaders, allowedNetworks, outboundProxy, operationalApp, attemptRetention,
        pruneInterval, logLevel,
        logFormat,
    ]
}
