import Foundation

/// Stops sending to an endpoint that keeps failing, then lets one probe through after a cooldown.
///
/// `closed` sends freely and counts consecutive failures; at ``Configuration/failureThreshold`` it opens for
/// ``currentCooldown``. Once that has passed, the next ``permit(now:)`` moves to `halfOpen` and grants exactly one probe:
/// its success closes the breaker, its failure reopens it with the cooldown doubled (up to
/// ``Configuration/maximumCooldown``). Persist it as it is (`Codable`) so a restart keeps an endpoint's breaker.
public struct CircuitBreaker: Sendable, Hashable, Codable {
    /// How quickly the breaker opens and how long it stays open.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Consecutive failures that open a closed breaker.
        public var failureThreshold: Int
        /// How long the breaker first stays open.
        public var cooldown: TimeInterval
        /// The longest the cooldown grows to after failed probes.
        public var maximumCooldown: TimeInterval

        public init(failureThreshold: Int = 5, cooldown: TimeInterval = 30, maximumCooldown: TimeInterval = 600) {
            self.failureThreshold = failureThreshold
            self.cooldown = cooldown
            self.maximumCooldown = maximumCooldown
        }
    }

    /// Where the breaker is; raw values are what the API and the store show.
    public enum State: String, Sendable, Hashable, Codable {
        /// Requests flow; failures are counted.
        case closed
        /// No requests until ``CircuitBreaker/openUntil``.
        case open
        /// One probe request decides whether to close or reopen.
        case halfOpen
    }

    /// Changing it takes effect at the next failure count or opening; a cooldown already running keeps its length.
    public var configuration: Configuration
    public private(set) var state: State
    /// Failures since the last success, including those while open.
    public private(set) var consecutiveFailures: Int
    /// When an open breaker lets a probe through; `nil` unless it has opened since the last success.
    public private(set) var openUntil: Date?
    /// The length of the present (or next) open period.
    public private(set) var currentCooldown: TimeInterval
    /// Whether a half-open breaker has granted its probe and awaits the outcome.
    public private(set) var probeInFlight: Bool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.state = .closed
        self.consecutiveFailures = 0
        self.openUntil = nil
        self.currentCooldown = configuration.cooldown
        self.probeInFlight = false
    }

    /// What the API shows. This is ``state`` as stored: a breaker past its ``openUntil`` still shows `open` until a
    /// ``permit(now:)`` grants the probe, since nothing has been tried yet.
    public var observableState: State { state }

    /// When the breaker will let a probe through, while it is open; `nil` otherwise.
    public func reopensAt() -> Date? {
        state == .open ? openUntil : nil
    }

    /// Whether a request may be sent now. Granting the half-open probe is a state change, hence `mutating`.
    public mutating func permit(now: Date) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            if let openUntil, now < openUntil { return false }
            state = .halfOpen
            probeInFlight = true
            return true
        case .halfOpen:
            if probeInFlight { return false }
            probeInFlight = true
            return true
        }
    }

    /// A request succeeded: close the breaker and forget the failures and any grown cooldown.
    public mutating func recordSuccess(now: Date) {
        state = .closed
        consecutiveFailures = 0
        openUntil = nil
        currentCooldown = configuration.cooldown
        probeInFlight = false
    }

    /// A request failed: count it, open a closed breaker at the threshold, or reopen after a failed probe.
    ///
    /// A failure reported while already open (a request sent before the breaker opened) is counted but does not
    /// extend the open period.
    public mutating func recordFailure(now: Date) {
        consecutiveFailures += 1
        switch state {
        case .closed:
            if consecutiveFailures >= configuration.failureThreshold {
                open(now: now, cooldown: configuration.cooldown)
            }
        case .halfOpen:
            open(now: now, cooldown: Swift.min(currentCooldown * 2, configuration.maximumCooldown))
        case .open:
            break
        }
    }

    /// Gives back a probe that was granted but never sent (say, at shutdown), so the next ``permit(now:)`` grants it.
    public mutating func releaseProbe() {
        if state == .halfOpen { probeInFlight = false }
    }

    private mutating func open(now: Date, cooldown: TimeInterval) {
        state = .open
        currentCooldown = cooldown
        openUntil = now.addingTimeInterval(cooldown)
        probeInFlight = false
    }
}
