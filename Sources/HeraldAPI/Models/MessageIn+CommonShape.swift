/// Reads a message body of the common shape without Foundation's decoder, which builds a map of the whole
/// document (payload included) and costs more than the rest of the request.
///
/// The common shape: an object whose known members have their expected types (strings without escapes, arrays
/// of such strings, plain integers, null for the optional ones), each at most once, and a `payload` object, and
/// no `application`, `deliverAt` or `transformationsParams`.
/// Anything else gives nil and the caller decodes with `JSONDecoder`, which words the error or reads the rare
/// case; so both paths accept exactly the same bodies. The bytes must already have passed the strict check.
struct CommonShapeReader {
    struct Fields {
        var eventType: String?
        var eventId: String?
        var channels: [String]?
        var tags: [String]?
        var payloadRetentionPeriod: Int?
        var payloadRetentionHours: Int?
        /// Where the `payload` object's text is in the body.
        var payload: Range<Int>?
    }

    /// The fields of a valid message body as ``MessageIn`` decodes them, or nil when it is not of the common shape
    /// (`eventType` and `payload` are required).
    static func read(_ bytes: [UInt8]) -> Fields? {
        var reader = CommonShapeReader(bytes: bytes)
        guard let fields = reader.object(), fields.payload != nil, fields.eventType != nil else { return nil }
        return fields
    }

    private let bytes: [UInt8]
    private var index = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func object() -> Fields? {
        var fields = Fields()
        var seen: Set<String> = []
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipSpace()
        if take(UInt8(ascii: "}")) { return fields }
        repeat {
            skipSpace()
            guard let key = string(), seen.insert(key).inserted else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            switch key {
            case "eventType": guard let value = string() else { return nil }; fields.eventType = value
            case "eventId": guard nullable({ $0.string() }, into: &fields.eventId) else { return nil }
            case "channels": guard nullable({ $0.strings() }, into: &fields.channels) else { return nil }
            case "tags": guard nullable({ $0.strings() }, into: &fields.tags) else { return nil }
            case "payloadRetentionPeriod":
                guard nullable({ $0.integer() }, into: &fields.payloadRetentionPeriod) else { return nil }
            case "payloadRetentionHours":
                guard nullable({ $0.integer() }, into: &fields.payloadRetentionHours) else { return nil }
            case "payload":
                guard current == UInt8(ascii: "{") else { return nil }
                let start = index
                skipValue()
                fields.payload = start..<index
            case "application", "deliverAt", "transformationsParams": return nil  // rare: the decoder reads them
            default: skipValue()
            }
            skipSpace()
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? fields : nil
    }

    /// `null` (leaving `value` nil) or what `read` reads; false when neither.
    private mutating func nullable<T>(_ read: (inout Self) -> T?, into value: inout T?) -> Bool {
        if bytes[index...].starts(with: "null".utf8) {
            index += 4
            return true
        }
        guard let read = read(&self) else { return false }
        value = read
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    /// A string without escapes, in valid UTF-8.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        index = JSONByteRuns.toQuoteOrBackslash(in: bytes, from: index)
        guard current == UInt8(ascii: "\"") else { return nil }
        defer { index += 1 }
        return String(validating: bytes[start..<index], as: UTF8.self)
    }

    private mutating func strings() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var values: [String] = []
        skipSpace()
        if take(UInt8(ascii: "]")) { return values }
        repeat {
            skipSpace()
            guard let value = string() else { return nil }
            values.append(value)
            skipSpace()
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? values : nil
    }

    /// A plain integer: digits with an optional minus, no fraction or exponent.
    private mutating func integer() -> Int? {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return nil
        }
        return Int(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// Past one value of any kind (the text is known to be valid JSON).
    private mutating func skipValue() {
        var depth = 0
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                while true {
                    index = JSONByteRuns.toQuoteOrBackslash(in: bytes, from: index)
                    guard current == UInt8(ascii: "\\") else { break }
                    index += 2
                }
                index += 1
                if depth == 0 { return }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return }
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D:
                if depth == 0 { return }
            default:
                break
            }
            index += 1
        }
    }
}
