/// Finds members of a JSON object in its text without decoding them, so a payload is stored and sent
/// byte for byte as the producer wrote it. The text must already be known to be valid JSON.
enum RawJSON {
    /// The bytes of the value of top-level member `name` of the object in `bytes`, or nil when absent.
    static func member(_ name: String, in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var index = skipSpace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        let wanted = Array(name.utf8)
        while true {
            index = skipSpace(bytes, index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let keyStart = index
            index = skipString(bytes, index)
            let key = bytes[(keyStart + 1)..<(index - 1)]
            index = skipSpace(bytes, index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index = skipSpace(bytes, index + 1)
            let valueStart = index
            index = skipValue(bytes, index)
            if keyMatches(key, wanted) { return bytes[valueStart..<index] }
            index = skipSpace(bytes, index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func keyMatches(_ key: ArraySlice<UInt8>, _ wanted: [UInt8]) -> Bool {
        if !key.contains(UInt8(ascii: "\\")) { return key.elementsEqual(wanted) }
        // A key written with escapes: decode it the slow way.
        let quoted = [UInt8(ascii: "\"")] + key + [UInt8(ascii: "\"")]
        guard let decoded = try? JSONCoding.decoder.decode(String.self, from: .init(quoted)) else { return false }
        return Array(decoded.utf8) == wanted
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// From an opening quote to just past the closing quote.
    private static func skipString(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return index
    }

    private static func skipValue(_ bytes: [UInt8], _ start: Int) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return skipString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = skipString(bytes, index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return index
        default:
            var index = start
            while index < bytes.count,
                ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index])
            {
                index += 1
            }
            return index
        }
    }
}
