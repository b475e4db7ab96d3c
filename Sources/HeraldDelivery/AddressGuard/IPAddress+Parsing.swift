/// Strict `inet_pton` parsing, on the text's UTF-8 bytes.
extension IPAddress {
    /// A dotted quad: four decimal parts of 0...255, no leading zeros (`inet_pton(AF_INET)`).
    static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var value = 0
        var digits = 0
        for character in text {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits > 0, value == 0 { return nil }  // a leading zero
                value = value * 10 + Int(character - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return nil }
            case UInt8(ascii: "."):
                guard digits > 0, result.count < 3 else { return nil }
                result.append(UInt8(value))
                value = 0
                digits = 0
            default:
                return nil
            }
        }
        guard digits > 0, result.count == 3 else { return nil }
        result.append(UInt8(value))
        return result
    }

    /// RFC 4291 text: up to eight groups of 1–4 hex digits, at most one `::` standing for one or more zero groups,
    /// optionally ending in a dotted quad (`inet_pton(AF_INET6)`).
    static func parseIPv6(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let characters = Array(text)
        var result = [UInt8](repeating: 0, count: 16)
        var written = 0
        var doubleColonAt: Int?
        var index = 0
        if characters.first == UInt8(ascii: ":") {
            guard characters.count > 1, characters[1] == UInt8(ascii: ":") else { return nil }
            index = 1
        }
        var groupStart = index
        var value = 0
        var digits = 0
        var endsInIPv4 = false
        while index < characters.count {
            let character = characters[index]
            index += 1
            if let digit = hexValue(character) {
                value = value << 4 | digit
                digits += 1
                guard digits <= 4 else { return nil }
                continue
            }
            if character == UInt8(ascii: ":") {
                groupStart = index
                if digits == 0 {
                    guard doubleColonAt == nil else { return nil }
                    doubleColonAt = written
                    continue
                }
                guard index < characters.count, written + 2 <= 16 else { return nil }
                result[written] = UInt8(value >> 8)
                result[written + 1] = UInt8(value & 0xff)
                written += 2
                value = 0
                digits = 0
                continue
            }
            if character == UInt8(ascii: "."), written + 4 <= 16,
                let ipv4 = parseIPv4(characters[groupStart...])
            {
                result.replaceSubrange(written..<written + 4, with: ipv4)
                written += 4
                endsInIPv4 = true
                break
            }
            return nil
        }
        if !endsInIPv4, digits > 0 {
            guard written + 2 <= 16 else { return nil }
            result[written] = UInt8(value >> 8)
            result[written + 1] = UInt8(value & 0xff)
            written += 2
        }
        if let doubleColonAt {
            guard written < 16 else { return nil }  // `::` must stand for at least one group
            let moved = Array(result[doubleColonAt..<written])
            for offset in doubleColonAt..<16 { result[offset] = 0 }
            result.replaceSubrange((16 - moved.count)..<16, with: moved)
            written = 16
        }
        return written == 16 ? result : nil
    }

    private static func hexValue(_ character: UInt8) -> Int? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(character - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(character - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(character - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
