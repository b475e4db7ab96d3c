import Foundation

/// Lays JSON out for people, two spaces per level, keeping every key in its order and every number and string
/// exactly as sent (unlike a decode-and-encode round trip).
enum JSONReindenter {
    /// The indented text, or nil when `bytes` is not JSON.
    static func format(_ bytes: [UInt8]) -> String? {
        guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        var lineBreakPending = false

        func breakLine() {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }

        for byte in bytes {
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                // An empty container stays on one line: `{}` and `[]`.
                if !lineBreakPending { breakLine() }
                lineBreakPending = false
                output.append(byte)
                continue
            default:
                break
            }
            if lineBreakPending {
                breakLine()
                lineBreakPending = false
            }
            output.append(byte)
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                lineBreakPending = true
            case UInt8(ascii: ","):
                lineBreakPending = true
            case UInt8(ascii: ":"):
                output.append(UInt8(ascii: " "))
            default:
                break
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
