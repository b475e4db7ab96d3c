/// An IPv4 or IPv6 address as bytes (4 or 16), parsed strictly.
///
/// ``init(_:)`` accepts only what `inet_pton` accepts: a dotted quad without leading zeros (`192.0.2.1`), or an
/// RFC 4291 IPv6 address (`2001:db8::1`, `::ffff:192.0.2.1`), optionally in brackets (`[::1]`). Zone ids (`fe80::1%eth0`)
/// and the loose `inet_aton` forms (`127.1`, `0x7f000001`) are rejected; ``AddressGuard`` reads those separately.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Four bytes for IPv4, sixteen for IPv6, in network order.
    public let bytes: [UInt8]

    /// Reads an address in strict `inet_pton` notation, or returns `nil`.
    public init?(_ text: String) {
        var utf8 = Array(text.utf8)[...]
        if utf8.first == UInt8(ascii: "[") {
            guard utf8.count > 2, utf8.last == UInt8(ascii: "]") else { return nil }
            utf8 = utf8.dropFirst().dropLast()
            guard let bytes = Self.parseIPv6(utf8) else { return nil }
            self.bytes = bytes
        } else if utf8.contains(UInt8(ascii: ":")) {
            guard let bytes = Self.parseIPv6(utf8) else { return nil }
            self.bytes = bytes
        } else {
            guard let bytes = Self.parseIPv4(utf8) else { return nil }
            self.bytes = bytes
        }
    }

    /// An address from its 4 or 16 bytes.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.bytes = bytes
    }

    /// An IPv4 address from its 32 bits.
    init(ipv4 value: UInt32) {
        self.bytes = [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    /// Whether this is a 4-byte IPv4 address.
    var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for; `nil` for any other address.
    var unmappedIPv4: IPAddress? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else {
            return nil
        }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    /// The IPv4 address held in four of this IPv6 address's bytes, starting at `offset`.
    func embeddedIPv4(at offset: Int) -> IPAddress {
        IPAddress(bytes: Array(bytes[offset..<offset + 4]))
    }

    /// Canonical text: a dotted quad, or IPv6 compressed per RFC 5952 (`::ffff:a.b.c.d` for IPv4-mapped addresses).
    public var description: String {
        if isIPv4 {
            return bytes.map(String.init).joined(separator: ".")
        }
        if let ipv4 = unmappedIPv4 {
            return "::ffff:\(ipv4)"
        }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        // RFC 5952 4.2: compress the longest run of two or more zero groups, the first one on a tie.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8, groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else {
            return hex.joined(separator: ":")
        }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return "\(head)::\(tail)"
    }
}
