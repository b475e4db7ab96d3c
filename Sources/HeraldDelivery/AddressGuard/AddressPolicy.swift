/// Decides which addresses deliveries may connect to.
///
/// Loopback, private, link-local and other special-purpose addresses are blocked unless they fall in one of the
/// operator's ``allowedNetworks`` (`HERALD_ALLOWED_NETWORKS`), which win over every class. IPv6 forms that carry an
/// IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address they carry.
public struct AddressPolicy: Sendable, Hashable {
    /// Networks deliveries may reach even though their class is blocked.
    let allowedNetworks: [IPNetwork]

    public init(allowedNetworks: [IPNetwork] = []) {
        self.allowedNetworks = allowedNetworks
    }

    /// Reads a comma-separated list of CIDR blocks (`127.0.0.0/8, ::1/128`); spaces are ignored, and an empty
    /// string allows nothing extra.
    public init(parsingAllowedNetworks text: String) throws(AddressGuardError) {
        var networks: [IPNetwork] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let first = item.firstIndex(where: { !$0.isWhitespace }),
                let last = item.lastIndex(where: { !$0.isWhitespace })
            else { continue }
            networks.append(try IPNetwork(parsing: String(item[first...last])))
        }
        self.init(allowedNetworks: networks)
    }

    /// `nil` when deliveries may connect to `address`, else the name of the class that blocks it: "loopback",
    /// "private", "link-local", "cgnat", "multicast", "unspecified", "broadcast", "reserved", "documentation",
    /// "benchmarking", "unique-local", "site-local", "discard", or for an IPv6 address carrying a blocked IPv4 one,
    /// "ipv4-mapped", "ipv4-compatible", "nat64" or "6to4".
    public func blockedClass(of address: IPAddress) -> String? {
        refusal(of: address)?.blockedClass
    }

    /// Why `address` is blocked, including the embedded IPv4 address that made a translated IPv6 address blocked.
    struct Refusal: Sendable, Hashable {
        var blockedClass: String
        var embedded: AddressGuardError.Embedded?
    }

    func refusal(of address: IPAddress) -> Refusal? {
        if allowedNetworks.contains(where: { $0.contains(address) }) {
            return nil
        }
        if address.isIPv4 {
            return Self.firstClass(of: address, in: Self.ipv4Classes).map { Refusal(blockedClass: $0) }
        }
        if let special = Self.firstClass(of: address, in: Self.ipv6SingleAddresses) {
            return Refusal(blockedClass: special)
        }
        for translation in Self.ipv6Translations where translation.prefix.contains(address) {
            let embedded = address.embeddedIPv4(at: translation.offset)
            guard let inner = refusal(of: embedded) else { return nil }
            return Refusal(
                blockedClass: translation.name,
                embedded: .init(address: embedded, blockedClass: inner.blockedClass)
            )
        }
        return Self.firstClass(of: address, in: Self.ipv6Classes).map { Refusal(blockedClass: $0) }
    }

    private static func firstClass(of address: IPAddress, in table: [(IPNetwork, String)]) -> String? {
        table.first { $0.0.contains(address) }?.1
    }

    private static func block(_ cidr: String, _ name: String) -> (IPNetwork, String) {
        (try! IPNetwork(parsing: cidr), name)
    }

    /// IANA special-purpose IPv4 blocks (RFC 6890) that are not globally reachable; the first match names the class.
    private static let ipv4Classes: [(IPNetwork, String)] = [
        block("0.0.0.0/8", "unspecified"),
        block("10.0.0.0/8", "private"),
        block("100.64.0.0/10", "cgnat"),
        block("127.0.0.0/8", "loopback"),
        block("169.254.0.0/16", "link-local"),
        block("172.16.0.0/12", "private"),
        block("192.0.0.0/24", "reserved"),
        block("192.0.2.0/24", "documentation"),
        block("192.168.0.0/16", "private"),
        block("198.18.0.0/15", "benchmarking"),
        block("198.51.100.0/24", "documentation"),
        block("203.0.113.0/24", "documentation"),
        block("224.0.0.0/4", "multicast"),
        block("255.255.255.255/32", "broadcast"),
        block("240.0.0.0/4", "reserved"),
    ]

    /// Checked before the translations, which would otherwise read `::` and `::1` as IPv4-compatible addresses.
    private static let ipv6SingleAddresses: [(IPNetwork, String)] = [
        block("::/128", "unspecified"),
        block("::1/128", "loopback"),
    ]

    /// IPv6 prefixes that carry an IPv4 address, and the byte offset where it starts.
    private static let ipv6Translations: [(prefix: IPNetwork, offset: Int, name: String)] = [
        (try! IPNetwork(parsing: "::ffff:0:0/96"), 12, "ipv4-mapped"),
        (try! IPNetwork(parsing: "::/96"), 12, "ipv4-compatible"),
        (try! IPNetwork(parsing: "64:ff9b::/96"), 12, "nat64"),
        (try! IPNetwork(parsing: "64:ff9b:1::/48"), 12, "nat64"),
        (try! IPNetwork(parsing: "2002::/16"), 2, "6to4"),
    ]

    private static let ipv6Classes: [(IPNetwork, String)] = [
        block("fc00::/7", "unique-local"),
        block("fe80::/10", "link-local"),
        block("fec0::/10", "site-local"),
        block("ff00::/8", "multicast"),
        block("2001:db8::/32", "documentation"),
        block("100::/64", "discard"),
    ]
}
