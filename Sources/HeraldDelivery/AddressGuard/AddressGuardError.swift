/// Why the address guard refused a host, or could not read a network.
///
/// Each ``description`` is one sentence fit for an attempt's audit log: it names the host and address, never a URL's
/// path, query or credentials.
public struct AddressGuardError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case blockedAddress(host: String, address: IPAddress, blockedClass: String, embedded: Embedded?)
        case unresolvable(host: String, detail: String?)
        case invalidHost(String)
        case invalidNetwork(String)
    }

    /// The IPv4 address inside a translated IPv6 address, and why it is blocked.
    struct Embedded: Sendable, Hashable {
        var address: IPAddress
        var blockedClass: String
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    /// `host` is, or resolves to, `address`, which the policy blocks as `blockedClass`.
    static func blockedAddress(
        host: String,
        address: IPAddress,
        blockedClass: String,
        embedded: Embedded? = nil
    ) -> Self {
        Self(.blockedAddress(host: host, address: address, blockedClass: blockedClass, embedded: embedded))
    }

    /// `host` could not be resolved to any address; `detail` is the resolver's own short reason, if it gave one.
    static func unresolvable(host: String, detail: String? = nil) -> Self {
        Self(.unresolvable(host: host, detail: detail))
    }

    /// `host` is neither a host name nor an IP literal (a zone id, a number out of range, stray characters).
    static func invalidHost(_ host: String) -> Self {
        Self(.invalidHost(host))
    }

    /// `text` is not a CIDR block such as `10.0.0.0/8`.
    static func invalidNetwork(_ text: String) -> Self {
        Self(.invalidNetwork(text))
    }

    /// The host is (or resolves to) an address the policy blocks: a permanent refusal until the operator allows it.
    public var isBlockedAddress: Bool {
        if case .blockedAddress = reason { true } else { false }
    }

    /// The host name could not be resolved: possibly temporary, worth retrying.
    public var isResolutionFailure: Bool {
        if case .unresolvable = reason { true } else { false }
    }

    public var description: String {
        switch reason {
        case .blockedAddress(let host, let address, let blockedClass, let embedded):
            let why = embedded.map { "\(blockedClass), embedding \($0.address), \($0.blockedClass)" } ?? blockedClass
            var subject = "The host \(quoted(host)) resolves to \(address), which"
            if host == address.description {
                subject = "The address \(address)"
            }
            return "\(subject) is blocked (\(why)); allow it with HERALD_ALLOWED_NETWORKS if intended."
        case .unresolvable(let host, let detail):
            return "The host \(quoted(host)) could not be resolved" + (detail.map { ": \($0)." } ?? ".")
        case .invalidHost(let host):
            return "The host \(quoted(host)) is neither a valid host name nor an IP address."
        case .invalidNetwork(let text):
            return "\(quoted(text)) is not a network in CIDR notation such as 10.0.0.0/8 or fc00::/7."
        }
    }

    /// The text in quotes with control characters escaped, so a hostile host cannot forge log lines.
    private func quoted(_ text: String) -> String {
        String(reflecting: text)
    }
}
