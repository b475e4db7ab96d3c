import NIOCore

/// Reads the HTTP/1.1 response to a POST from the bytes a connection receives, in whatever pieces they arrive.
/// It keeps what an attempt records (the status, `Retry-After`, at most `limit` bytes of the body) and learns
/// whether the connection can carry another request.
///
/// Endpoints are untrusted: the head is bounded, framing that contradicts itself is refused, and a body over the
/// bound ends the exchange (the connection closes instead of reading the rest).
struct ResponseParser {
    enum Progress: Equatable {
        /// The response is not complete yet.
        case more
        /// The response is complete (or its body went over the bound); `reusable` says the connection may carry
        /// another request.
        case complete(reusable: Bool)
    }

    private enum State {
        case statusLine
        case headers
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    /// Bytes of a response head (status line and headers), and of a chunked body's trailers.
    static let maximumHeadBytes = 64 * 1024

    let limit: Int
    private(set) var response = OutboundResponse()
    /// Some bytes of a response arrived.
    private(set) var started = false
    private var state = State.statusLine
    private var headBytes = 0
    /// The start of a line that has not ended yet.
    private var partial: [UInt8] = []
    private var version = (major: 1, minor: 1)
    private var connectionTokens = (close: false, keepAlive: false)
    private var contentLength: Int?
    private var chunked = false
    private var transferEncoded = false
    /// The head asked to close the connection, or its framing cannot be trusted for another response.
    private var closes = false
    /// The body went over the bound: the rest is never read, so the connection cannot be reused.
    private var overflowed = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Reads what `buffer` holds of the response. Bytes after a complete response stay in `buffer`.
    mutating func parse(_ buffer: inout ByteBuffer) throws(OutboundError) -> Progress {
        if buffer.readableBytes > 0 { started = true }
        while true {
            switch state {
            case .statusLine, .headers, .chunkSize, .trailers:
                guard let line = try nextLine(&buffer) else { return .more }
                try take(line)
            case .fixed(let remaining):
                guard buffer.readableBytes > 0 else { return .more }
                let count = min(remaining, buffer.readableBytes)
                keep(&buffer, count)
                state = remaining == count ? .done : .fixed(remaining: remaining - count)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return .more }
                let count = min(remaining, buffer.readableBytes)
                keep(&buffer, count)
                state = remaining == count ? .chunkDataEnd : .chunkData(remaining: remaining - count)
            case .chunkDataEnd:
                guard let line = try nextLine(&buffer) else { return .more }
                guard line.isEmpty else { throw OutboundError.invalidResponse }
                state = .chunkSize
            case .untilClose:
                keep(&buffer, buffer.readableBytes)
                guard overflowed else { return .more }
                state = .done
            case .done:
                return .complete(reusable: !closes && !overflowed && buffer.readableBytes == 0)
            }
            if overflowed { state = .done }
        }
    }

    /// The connection closed: true when that ends the response (a body without framing runs to the close).
    func completedByClose() -> Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Appends up to the bound of the next `count` body bytes to the response; past the bound the connection has
    /// to close.
    private mutating func keep(_ buffer: inout ByteBuffer, _ count: Int) {
        let kept = min(count, limit - response.body.count)
        if kept < count { overflowed = true }
        if kept > 0 { response.body += buffer.readableBytesView.prefix(kept) }
        buffer.moveReaderIndex(forwardBy: count)
    }

    /// The next line without its line end (LF, or CRLF), or nil when it has not ended yet.
    private mutating func nextLine(_ buffer: inout ByteBuffer) throws(OutboundError) -> [UInt8]? {
        let view = buffer.readableBytesView
        let newline = buffer.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "\n")) }
        guard let newline else {
            partial += view
            buffer.moveReaderIndex(forwardBy: view.count)
            try count(0)
            return nil
        }
        var line = partial
        partial = []
        line += view.prefix(newline)
        buffer.moveReaderIndex(forwardBy: newline + 1)
        try count(line.count + 1)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    /// Counts head bytes against their bound; `lineBytes` of a complete line, or only what waits in `partial`.
    private mutating func count(_ lineBytes: Int) throws(OutboundError) {
        switch state {
        case .fixed, .chunkData, .untilClose, .done: return
        case .chunkSize, .chunkDataEnd:
            // A chunk-size line is short; a long one is not a chunk size.
            guard partial.count + lineBytes <= 1024 else { throw OutboundError.invalidResponse }
        case .statusLine, .headers, .trailers:
            headBytes += lineBytes
            guard headBytes + partial.count <= Self.maximumHeadBytes else { throw OutboundError.invalidResponse }
        }
    }

    private mutating func take(_ line: [UInt8]) throws(OutboundError) {
        switch state {
        case .statusLine:
            try status(line)
            state = .headers
        case .headers:
            if line.isEmpty {
                try endOfHead()
            } else {
                try header(line)
            }
        case .chunkSize:
            let digits = line.prefix { $0 != UInt8(ascii: ";") }
            guard let size = Self.hex(digits) else { throw OutboundError.invalidResponse }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .trailers:
            if line.isEmpty { state = .done }
        default:
            break
        }
    }

    /// `HTTP/1.x NNN reason`
    private mutating func status(_ line: [UInt8]) throws(OutboundError) {
        guard let (minor, code) = Self.statusLine(line) else { throw OutboundError.invalidResponse }
        version = (1, minor)
        response.status = code
    }

    /// The minor version and the status code of a status line `HTTP/1.x NNN reason` (code 100 or more); nil for
    /// anything else. Also reads a proxy's answer to `CONNECT` (``ProxyTunnel``).
    static func statusLine(_ line: [UInt8]) -> (minor: Int, code: Int)? {
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, line.starts(with: prefix), line[8] == UInt8(ascii: " "),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[7]),
            line.count == 12 || line[12] == UInt8(ascii: " "),
            let code = decimal(line[9..<12]), code >= 100
        else { return nil }
        return (Int(line[7] - UInt8(ascii: "0")), code)
    }

    private mutating func header(_ line: [UInt8]) throws(OutboundError) {
        // A folded continuation line (obsolete) belongs to a header Herald does not read.
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") { return }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw OutboundError.invalidResponse }
        let name = line[..<colon]
        guard !name.contains(UInt8(ascii: " ")), !name.contains(UInt8(ascii: "\t")) else {
            throw OutboundError.invalidResponse
        }
        let value = Self.trimmed(line[(colon + 1)...])
        if Self.named(name, "content-length") {
            // Repeats, in one field or several, must agree.
            for part in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                guard let length = Self.decimal(Self.trimmed(part)), contentLength == nil || contentLength == length
                else { throw OutboundError.invalidResponse }
                contentLength = length
            }
        } else if Self.named(name, "transfer-encoding") {
            transferEncoded = true
            let last = value.split(separator: UInt8(ascii: ",")).last.map(Self.trimmed)
            chunked = last.map { Self.named($0, "chunked") } ?? false
        } else if Self.named(name, "connection") {
            for token in value.split(separator: UInt8(ascii: ",")).map(Self.trimmed) {
                if Self.named(token, "close") { connectionTokens.close = true }
                if Self.named(token, "keep-alive") { connectionTokens.keepAlive = true }
            }
        } else if Self.named(name, "retry-after"), response.retryAfter == nil {
            response.retryAfter = String(decoding: value, as: UTF8.self)
        }
    }

    private mutating func endOfHead() throws(OutboundError) {
        let status = response.status
        if status < 200 && status != 101 {
            // An interim answer (100 Continue, 103 Early Hints): the real one follows.
            response.retryAfter = nil
            (contentLength, chunked, transferEncoded, connectionTokens) = (nil, false, false, (false, false))
            state = .statusLine
            return
        }
        let keepAlive = version.minor >= 1 ? !connectionTokens.close : connectionTokens.keepAlive && !connectionTokens.close
        if !keepAlive || status == 101 { closes = true }
        if status == 101 || status == 204 || status == 304 {
            state = .done
        } else if transferEncoded {
            // Transfer-Encoding overrides Content-Length; a response that sends both must not be trusted further.
            if contentLength != nil { closes = true }
            state = chunked ? .chunkSize : .untilClose
        } else if let contentLength {
            state = contentLength == 0 ? .done : .fixed(remaining: contentLength)
        } else {
            state = .untilClose
        }
    }

    private static func named(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, want in byte | 0x20 == want || byte == want }
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let space: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !space($0) }), let last = bytes.lastIndex(where: { !space($0) }) else {
            return []
        }
        return bytes[first...last]
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> Int? {
        let digits = trimmed(digits)
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | Int(nibble)
        }
        return value
    }
}
