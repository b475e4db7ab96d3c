/// The loose IPv4 notations that `inet_aton`, `getaddrinfo` and WHATWG URL parsers accept, read without DNS.
///
/// One to four dot-separated parts, each decimal, octal with a leading `0` or hex with `0x`; the last part fills the
/// remaining bytes, so `127.1`, `0x7f000001`, `2130706433` and `017700000001` are all `127.0.0.1`. A single trailing dot
/// is ignored. As in the WHATWG URL standard, a host whose last label is a number is an IPv4 literal or nothing:
/// `1.2.3.256`, `08.0.0.1` and a bare `0x` are invalid, never names to look up.
enum IPv4Literal: Sendable, Hashable {
    /// The host is an IPv4 literal denoting this address.
    case address(IPAddress)
    /// The host ends in a number but denotes no IPv4 address.
    case invalid
    /// The host does not end in a number: it is a name (or something else), not an IPv4 literal.
    case notNumeric

    /// Classifies `host` (without brackets or port).
    init(_ host: String) {
        var parts = Array(host.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true {
            parts.removeLast()
        }
        guard let last = parts.last, Self.isNumber(last) else {
            self = .notNumeric
            return
        }
        guard parts.count <= 4 else {
            self = .invalid
            return
        }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = Self.number(part) else {
                self = .invalid
                return
            }
            numbers.append(number)
        }
        let leading = numbers.dropLast()
        let lastLimit = UInt64(1) << (8 * UInt64(5 - numbers.count))
        guard leading.allSatisfy({ $0 <= 255 }), numbers[numbers.count - 1] < lastLimit else {
            self = .invalid
            return
        }
        var value = numbers[numbers.count - 1]
        for (index, part) in leading.enumerated() {
            value |= part << (8 * UInt64(3 - index))
        }
        self = .address(IPAddress(ipv4: UInt32(value)))
    }

    /// The WHATWG "ends in a number" test for the last label: all decimal digits, or `0x` and hex digits.
    private static func isNumber(_ part: ArraySlice<UInt8>) -> Bool {
        guard !part.isEmpty else { return false }
        if part.allSatisfy({ UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 }) { return true }
        return hasHexPrefix(part) && part.dropFirst(2).allSatisfy { digitValue($0) != nil }
    }

    private static func hasHexPrefix(_ part: ArraySlice<UInt8>) -> Bool {
        part.count >= 2 && part.first == UInt8(ascii: "0")
            && (part.dropFirst().first == UInt8(ascii: "x") || part.dropFirst().first == UInt8(ascii: "X"))
    }

    /// One part's value (capped just above 2^32 so long inputs cannot overflow), or `nil` if it is not a number.
    private static func number(_ part: ArraySlice<UInt8>) -> UInt64? {
        guard !part.isEmpty else { return nil }
        var digits = part
        var radix: UInt64 = 10
        if hasHexPrefix(digits) {
            radix = 16
            digits = digits.dropFirst(2)
            guard !digits.isEmpty else { return nil }  // `inet_aton` rejects a bare `0x`
        } else if digits.count >= 2, digits.first == UInt8(ascii: "0") {
            radix = 8
            digits = digits.dropFirst()
        }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = digitValue(character), digit < radix else { return nil }
            value = min(value * radix + digit, UInt64(1) << 33)
        }
        return value
    }

    private static func digitValue(_ character: UInt8) -> UInt64? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(character - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(character - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(character - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
