/// A URL host read as either an IP address (in any notation) or a host name to resolve.
enum HostLiteral: Sendable, Hashable {
    case address(IPAddress)
    case name(String)

    /// Throws for hosts that are neither: IPv6 text with a zone id, numbers out of range, characters no host name has.
    init(_ host: String) throws(AddressGuardError) {
        if host.utf8.first == UInt8(ascii: "[") || host.utf8.contains(UInt8(ascii: ":")) {
            guard let address = IPAddress(host), !address.isIPv4 else { throw .invalidHost(host) }
            self = .address(address)
            return
        }
        switch IPv4Literal(host) {
        case .address(let address):
            self = .address(address)
        case .invalid:
            throw .invalidHost(host)
        case .notNumeric:
            let allowed = host.utf8.allSatisfy { character in
                switch character {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    true
                default:
                    false
                }
            }
            guard allowed, !host.isEmpty, host.utf8.count <= 254, !host.hasPrefix(".") else { throw .invalidHost(host) }
            self = .name(host)
        }
    }
}
