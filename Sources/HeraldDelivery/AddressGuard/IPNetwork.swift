/// A CIDR block such as 10.0.0.0/8 or fc00::/7.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block; its host bits are all zero.
    let address: IPAddress
    /// How many leading bits every address in the block shares with ``address``.
    let prefixLength: Int

    /// Reads `address/prefix` (`127.0.0.0/8`, `::1/128`); a bare address is a /32 or /128 block.
    ///
    /// The address must be in strict notation and have no bits set past the prefix (`10.0.0.1/8` is an error, so a
    /// mistyped block is caught rather than silently widened or narrowed).
    public init(parsing text: String) throws(AddressGuardError) {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(pieces[0])) else {
            throw .invalidNetwork(text)
        }
        let maximum = address.bytes.count * 8
        var prefixLength = maximum
        if pieces.count == 2 {
            let digits = pieces[1]
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let length = Int(digits), length <= maximum
            else {
                throw .invalidNetwork(text)
            }
            prefixLength = length
        }
        self.init(address: address, prefixLength: prefixLength)
        guard address.bytes == Self.masked(address.bytes, to: prefixLength) else {
            throw .invalidNetwork(text)
        }
    }

    init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Whether `address` is in the block. An IPv4 block also contains the IPv4-mapped IPv6 forms (`::ffff:a.b.c.d`)
    /// of its addresses, so allowing 127.0.0.0/8 allows `::ffff:127.0.0.1` too.
    public func contains(_ address: IPAddress) -> Bool {
        var candidate = address
        if self.address.isIPv4, let ipv4 = address.unmappedIPv4 {
            candidate = ipv4
        }
        guard candidate.bytes.count == self.address.bytes.count else { return false }
        return Self.masked(candidate.bytes, to: prefixLength) == self.address.bytes
    }

    public var description: String {
        "\(address)/\(prefixLength)"
    }

    /// `bytes` with every bit after the first `prefixLength` cleared.
    private static func masked(_ bytes: [UInt8], to prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(prefixLength - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(UInt8(0xff) >> kept)
        }
    }
}
