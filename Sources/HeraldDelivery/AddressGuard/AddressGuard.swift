/// Resolves a host and vets every address it resolves to.
///
/// ``vet(host:)`` returns the one address a delivery may connect to. Connect to exactly that address (as
/// ``OutboundClient`` does, keeping the host for TLS) so that nothing is resolved again between the check and the
/// connection.
public struct AddressGuard: Sendable {
    /// Which addresses are allowed.
    let policy: AddressPolicy
    private let resolver: @Sendable (String) async throws -> [IPAddress]
    private let remembered: (@Sendable (String) -> [IPAddress]?)?

    /// A guard applying `policy`; `resolver` turns a host name into its addresses (tests inject their own).
    /// `remembered`, when given, answers without waiting for names the resolver answered recently (see
    /// ``vetWithoutLookup(host:)``).
    public init(
        policy: AddressPolicy,
        resolver: @escaping @Sendable (String) async throws -> [IPAddress] = AddressGuard.systemResolver,
        remembered: (@Sendable (String) -> [IPAddress]?)? = nil
    ) {
        self.policy = policy
        self.resolver = resolver
        self.remembered = remembered
    }

    /// The address a delivery to `host` (a URL's host, with or without IPv6 brackets, no port) may connect to.
    ///
    /// An IP-literal host, in any notation `getaddrinfo` or `inet_aton` accepts (`127.1`, `0x7f000001`, `2130706433`,
    /// `017700000001`, `[::ffff:127.0.0.1]`, `::ffff:7f00:1`), is vetted as the address it denotes, without DNS. A host
    /// name is resolved and refused if *any* of its addresses is blocked, so DNS answers cannot be mixed to slip one
    /// through. The result prefers IPv4, and an IPv4-mapped IPv6 address is returned as its IPv4 address.
    public func vet(host: String) async throws(AddressGuardError) -> IPAddress {
        try await vet(host: host, literal: HostLiteral(host))
    }

    /// ``vet(host:)`` with the host already read (`HostLiteral(host)`).
    func vet(host: String, literal: HostLiteral) async throws(AddressGuardError) -> IPAddress {
        switch literal {
        case .address(let address):
            try check(address, for: host)
            return address.unmappedIPv4 ?? address
        case .name(let name):
            let addresses: [IPAddress]
            do {
                addresses = try await resolver(name)
            } catch let error as SystemResolverError {
                throw .unresolvable(host: host, detail: error.description)
            } catch is CancellationError {
                throw .unresolvable(host: host, detail: "the lookup was cancelled")
            } catch {
                throw .unresolvable(host: host)
            }
            guard !addresses.isEmpty else {
                throw .unresolvable(host: host, detail: "no addresses")
            }
            return try vetted(addresses, for: host)
        }
    }

    /// ``vet(host:)`` when it needs no lookup: an IP literal, or a name with remembered addresses. Nil when the
    /// name would have to be resolved now.
    public func vetWithoutLookup(host: String) throws(AddressGuardError) -> IPAddress? {
        try vetWithoutLookup(host: host, literal: HostLiteral(host))
    }

    /// ``vetWithoutLookup(host:)`` with the host already read (`HostLiteral(host)`).
    func vetWithoutLookup(host: String, literal: HostLiteral) throws(AddressGuardError) -> IPAddress? {
        switch literal {
        case .address(let address):
            try check(address, for: host)
            return address.unmappedIPv4 ?? address
        case .name(let name):
            guard let addresses = remembered?(name), !addresses.isEmpty else { return nil }
            return try vetted(addresses, for: host)
        }
    }

    /// The address to connect to among `addresses` (all of `host`'s), once every one of them passed.
    private func vetted(_ addresses: [IPAddress], for host: String) throws(AddressGuardError) -> IPAddress {
        for address in addresses {
            try check(address, for: host)
        }
        let connectable = addresses.map { $0.unmappedIPv4 ?? $0 }
        return connectable.first(where: \.isIPv4) ?? connectable[0]
    }

    private func check(_ address: IPAddress, for host: String) throws(AddressGuardError) {
        if let refusal = policy.refusal(of: address) {
            throw .blockedAddress(
                host: host,
                address: address,
                blockedClass: refusal.blockedClass,
                embedded: refusal.embedded
            )
        }
    }
}
