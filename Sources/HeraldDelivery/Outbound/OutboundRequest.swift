import NIOCore

/// Where an attempt connects: the URL's scheme, host and port, and the address the guard vetted for the host.
/// Connections are pooled per target, so two hosts that resolve to one address never share a TLS session.
struct OutboundTarget: Hashable, Sendable {
    let https: Bool
    /// The URL's host without brackets: the TLS server name (unless it is an IP literal) and the `Host` header.
    let host: String
    let port: Int
    let address: IPAddress

    /// The `Host` header for a URL's host (without brackets) and port: IPv6 literals in brackets, the port only when
    /// it is not the scheme's default.
    static func hostHeader(host: String, port: Int, https: Bool) -> String {
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        return port == (https ? 443 : 80) ? name : "\(name):\(port)"
    }
}

/// One POST as it goes on the wire: its target, and the request line, headers and body in one buffer, so the
/// connection writes it with one call and nothing between it and the socket (but TLS) has to look at it.
struct OutboundRequest: Sendable {
    let target: OutboundTarget
    let bytes: ByteBuffer

    /// - Parameters:
    ///   - hostHeader: see ``OutboundTarget/hostHeader(host:port:https:)``.
    ///   - path: the request target: the URL's path (at least `/`) and query, percent-encoded as in the URL.
    ///   - proxy: the client's proxy, if it has one (see ``Writer/init(path:hostHeader:bodyLength:https:proxy:)``).
    init(
        target: OutboundTarget, hostHeader: String, path: String, headers: [(String, String)], body: [UInt8],
        proxy: OutboundProxy? = nil
    ) {
        var writer = Writer(path: path, hostHeader: hostHeader, bodyLength: body.count, https: target.https, proxy: proxy)
        for (name, value) in headers { writer.add(name, value) }
        self = writer.finish(target: target, body: body)
    }

    private init(target: OutboundTarget, bytes: ByteBuffer) {
        self.target = target
        self.bytes = bytes
    }

    /// Writes a request: the request line, `Host` and `Content-Length` first, then the fields a caller adds.
    struct Writer {
        private var buffer: ByteBuffer

        /// - Parameter proxy: the client's proxy, if it has one. A plain-HTTP request then names its endpoint in
        ///   absolute form (`POST http://host:port/path`) and carries the proxy's credentials; an HTTPS one goes
        ///   through a tunnel and is written as it would be without a proxy.
        init(path: String, hostHeader: String, bodyLength: Int, https: Bool, proxy: OutboundProxy? = nil) {
            buffer = ByteBufferAllocator().buffer(capacity: 512 + bodyLength)
            buffer.writeStaticString("POST ")
            let forwarded = proxy != nil && !https
            if forwarded {
                buffer.writeStaticString("http://")
                buffer.writeString(hostHeader)
            }
            buffer.writeString(path)
            buffer.writeStaticString(" HTTP/1.1\r\nhost: ")
            buffer.writeString(hostHeader)
            buffer.writeStaticString("\r\ncontent-length: ")
            buffer.writeString(String(bodyLength))
            buffer.writeStaticString("\r\n")
            if forwarded, let authorization = proxy?.authorization { add("proxy-authorization", authorization) }
        }

        /// Adds a field. One that would break the request (a name that is not a token, a line break or NUL in the
        /// value) is left out: the API refuses such headers, so only a row written before that rule has one.
        mutating func add(_ name: String, _ value: String) {
            guard Self.isToken(name), Self.isFieldValue(value) else { return }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }

        consuming func finish(target: OutboundTarget, body: [UInt8]) -> OutboundRequest {
            buffer.writeStaticString("\r\n")
            buffer.writeBytes(body)
            return OutboundRequest(target: target, bytes: buffer)
        }

        private static func isToken(_ name: String) -> Bool {
            !name.isEmpty
                && name.utf8.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"):
                        true
                    default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
                    }
                }
        }

        private static func isFieldValue(_ value: String) -> Bool {
            !value.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
        }
    }
}

/// What an exchange read: the status, `Retry-After`, and at most the response bound of the body.
struct OutboundResponse: Sendable {
    var status = 0
    var retryAfter: String?
    var body: [UInt8] = []
}

/// Why an exchange ended without a response, when no lower layer (a socket, TLS) said why.
struct OutboundError: Error, CustomStringConvertible {
    enum Kind: Sendable {
        /// No complete response within the request's deadline.
        case timeout
        /// The connection closed before the response was complete.
        case connectionClosed
        /// The attempt was cancelled, or the client shut down.
        case cancelled
        /// The response was not HTTP/1.x, or its head or framing was broken or too large.
        case invalidResponse
        /// The server's certificate is valid but does not name the URL's host.
        case certificateNamesAnotherHost
        /// The outbound proxy could not be reached, or refused or broke the tunnel (see ``detail``).
        case proxy
    }

    let kind: Kind
    /// What went wrong, where the kind alone does not say it.
    var detail: String?

    static let timeout = OutboundError(kind: .timeout)
    static let connectionClosed = OutboundError(kind: .connectionClosed)
    static let cancelled = OutboundError(kind: .cancelled)
    static let invalidResponse = OutboundError(kind: .invalidResponse)
    static let certificateNamesAnotherHost = OutboundError(kind: .certificateNamesAnotherHost)

    static func proxy(_ detail: String) -> OutboundError {
        OutboundError(kind: .proxy, detail: detail)
    }

    var description: String {
        switch kind {
        case .timeout: "no complete response within the request timeout"
        case .connectionClosed: "the connection closed before the response was complete"
        case .cancelled: "the request was cancelled"
        case .invalidResponse: "the response was not valid HTTP/1.1"
        case .certificateNamesAnotherHost: "the server's certificate does not name the endpoint's host"
        case .proxy: detail ?? "the outbound proxy failed"
        }
    }
}
