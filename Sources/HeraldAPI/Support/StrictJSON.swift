/// Checks that bytes are exactly one JSON text per RFC 8259. Foundation's decoder on Linux also accepts
/// JSON5-style input (trailing commas, `01`, `1e`), which Herald must not store and forward to receivers.
/// Nesting is bounded so a hostile body cannot exhaust the stack.
///
/// It also finds the first NUL character (`\u0000`) in a string outside the top-level `payload` member: text
/// fields cannot hold one (PostgreSQL refuses it), while a message's payload is stored and sent byte for byte.
struct StrictJSON {
    static let maximumDepth = 512

    /// What a scan found: byte offsets of the first syntax error and of the first NUL outside `payload`.
    struct Scan {
        var error: Int?
        var nulOutsidePayload: Int?
    }

    private let bytes: [UInt8]
    private var index = 0
    /// Inside the value of the top-level object's `payload` member.
    private var inPayload = false
    private var nulOutsidePayload: Int?

    /// The byte offset of the first error, or nil when `bytes` is valid JSON.
    static func firstError(in bytes: [UInt8]) -> Int? {
        scan(bytes).error
    }

    static func scan(_ bytes: [UInt8]) -> Scan {
        var parser = StrictJSON(bytes: bytes)
        parser.skipSpace()
        guard parser.value(depth: 0) else { return Scan(error: parser.index) }
        parser.skipSpace()
        return Scan(error: parser.index == bytes.count ? nil : parser.index, nulOutsidePayload: parser.nulOutsidePayload)
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value(depth: Int) -> Bool {
        guard depth < Self.maximumDepth, let byte = current else { return false }
        switch byte {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> Bool {
        index += 1
        skipSpace()
        if current == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            let keyStart = index
            guard current == UInt8(ascii: "\""), string() else { return false }
            let isPayload = depth == 1 && bytes[keyStart..<index].elementsEqual(#""payload""#.utf8)
            skipSpace()
            guard current == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace()
            if depth == 1 { inPayload = isPayload }
            defer { if isPayload { inPayload = false } }
            guard value(depth: depth) else { return false }
            skipSpace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipSpace()
            case UInt8(ascii: "}"):
                index += 1
                return true
            default:
                return false
            }
        }
    }

    private mutating func array(depth: Int) -> Bool {
        index += 1
        skipSpace()
        if current == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            guard value(depth: depth) else { return false }
            skipSpace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipSpace()
            case UInt8(ascii: "]"):
                index += 1
                return true
            default:
                return false
            }
        }
    }

    private mutating func string() -> Bool {
        index += 1
        while true {
            index = JSONByteRuns.plainText(in: bytes, from: index)
            guard let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return true
            case UInt8(ascii: "\\"):
                index += 1
                guard let escaped = current else { return false }
                if escaped == UInt8(ascii: "u") {
                    for offset in 1...4 {
                        guard index + offset < bytes.count, isHexDigit(bytes[index + offset]) else { return false }
                    }
                    if !inPayload, nulOutsidePayload == nil, bytes[index + 1..<index + 5].allSatisfy({ $0 == 0x30 }) {
                        nulOutsidePayload = index - 1
                    }
                    index += 5
                } else {
                    guard "\"\\/bfnrt".utf8.contains(escaped) else { return false }
                    index += 1
                }
            case 0x00..<0x20:
                return false  // Control characters must be escaped.
            case 0x80...0xFF:
                guard let length = utf8SequenceLength(at: index) else { return false }
                index += length
            default:
                index += 1
            }
        }
    }

    /// The length of the well-formed UTF-8 sequence at `start` (Unicode Table 3-7: no overlong forms, surrogates
    /// or code points past U+10FFFF), or nil.
    private func utf8SequenceLength(at start: Int) -> Int? {
        let (length, second): (Int, ClosedRange<UInt8>)
        switch bytes[start] {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard start + length <= bytes.count, second.contains(bytes[start + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[start + offset]) { return nil }
        return length
    }

    private mutating func literal(_ word: String) -> Bool {
        for expected in word.utf8 {
            guard current == expected else { return false }
            index += 1
        }
        return true
    }

    private mutating func number() -> Bool {
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, isDigit(first) else { return false }
        index += 1
        if first != UInt8(ascii: "0") { digits() }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let byte = current, isDigit(byte) else { return false }
            digits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let byte = current, isDigit(byte) else { return false }
            digits()
        }
        return true
    }

    private mutating func digits() {
        while let byte = current, isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}
