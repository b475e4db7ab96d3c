import NIOCore
import NIOHTTP1

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

/// One POST: its target, request line and headers, and body.
struct OutboundRequest: Sendable {
    let target: OutboundTarget
    /// The `Host` header (see ``OutboundTarget/hostHeader(host:port:https:)``).
    let hostHeader: String
    /// The request target: the URL's path (at least `/`) and query, percent-encoded as in the URL.
    let path: String
    var headers: HTTPHeaders
    let body: ByteBuffer
}

/// What an exchange read: the status, `Retry-After`, and at most the response bound of the body.
struct OutboundResponse: Sendable {
    var status = 0
    var retryAfter: String?
    var body: [UInt8] = []
}

/// Why an exchange ended without a response, when no lower layer (a socket, TLS, the HTTP parser) said why.
struct OutboundError: Error, CustomStringConvertible {
    enum Kind: Sendable {
        /// No complete response within the request's deadline.
        case timeout
        /// The connection closed before the response was complete.
        case connectionClosed
        /// The attempt was cancelled, or the client shut down.
        case cancelled
    }

    let kind: Kind

    static let timeout = OutboundError(kind: .timeout)
    static let connectionClosed = OutboundError(kind: .connectionClosed)
    static let cancelled = OutboundError(kind: .cancelled)

    var description: String {
        switch kind {
        case .timeout: "no complete response within the request timeout"
        case .connectionClosed: "the connection closed before the response was complete"
        case .cancelled: "the request was cancelled"
        }
    }
}
