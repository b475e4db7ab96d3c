/// Tight loops over the bytes inside a JSON string, for the scanners that read request bodies: a message's payload
/// is mostly string content, and stepping through it one optional byte at a time with bounds checks cost more than
/// the rest of the scan.
enum JSONByteRuns {
    /// The index of the first byte at or after `start` that ends a run of plain string content: a quote, a backslash,
    /// a control character or a non-ASCII byte; `bytes.count` when there is none.
    static func plainText(in bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index < buffer.count {
                let byte = buffer[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte >= 0x80 { break }
                index += 1
            }
            return index
        }
    }

    /// The index of the first quote or backslash at or after `start`; `bytes.count` when there is none.
    static func toQuoteOrBackslash(in bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                index += 1
            }
            return index
        }
    }
}
