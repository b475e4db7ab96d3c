import Foundation

/// The HTTP proxy every delivery goes through (`HERALD_OUTBOUND_PROXY`), for networks whose only way out is an
/// egress proxy (a fixed source address receivers can allow, or a filtering proxy such as Smokescreen or Squid).
///
/// - An `https` endpoint is reached through a `CONNECT host:port` tunnel; TLS runs end to end inside it, so the
///   proxy sees neither the payload nor the signature, and the certificate is checked against the URL's host.
/// - An `http` endpoint gets its request in absolute form (`POST http://host:port/path`), as curl and every HTTP
///   library send it to a proxy. The proxy's own answers (a 403 of its filter, a 502) are then the attempt's status.
/// - The proxy is given the URL's host name, so host-based rules on the proxy apply. Herald still resolves the host
///   and vets its addresses first: the address guard refuses what it refused without a proxy.
/// - The proxy itself may be on a private network: the guard does not apply to it.
public struct OutboundProxy: Sendable, Hashable, CustomStringConvertible {
    /// The proxy's host name or address (without the brackets of an IPv6 literal).
    public let host: String
    public let port: Int
    /// `Basic …` from the URL's user and password, sent as `Proxy-Authorization`.
    let authorization: String?

    /// Reads `http://[user:password@]host:port`. The port is required (proxies have no common one).
    public init(parsing text: String) throws(OutboundProxyError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased() else {
            throw OutboundProxyError("must be a URL like http://proxy.internal:3128, got '\(Self.redact(trimmed))'")
        }
        guard scheme == "http" else {
            throw OutboundProxyError(
                "must be an http:// URL (Herald speaks plain HTTP to the proxy; https endpoints are tunnelled), got "
                    + "'\(scheme)://…'")
        }
        guard let host = url.host(percentEncoded: false), !host.isEmpty else {
            throw OutboundProxyError("must name the proxy's host, like http://proxy.internal:3128")
        }
        guard let port = url.port else {
            throw OutboundProxyError("must name the proxy's port, like http://\(host):3128")
        }
        guard (1...65535).contains(port) else {
            throw OutboundProxyError("the port must be between 1 and 65535, got \(port)")
        }
        let path = url.path(percentEncoded: true)
        guard path.isEmpty || path == "/", url.query == nil, url.fragment == nil else {
            throw OutboundProxyError("must be only scheme, credentials, host and port, like http://proxy.internal:3128")
        }
        self.host = URL.unbracketed(host)
        self.port = port
        authorization = url.basicCredentials
    }

    /// The proxy without its credentials, for logs.
    public var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "http://\(authorization == nil ? "" : "***@")\(name):\(port)"
    }

    /// `text` with everything before its last `@` hidden (where credentials would be), for an error message.
    private static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        return "***" + String(text[at...])
    }
}

/// Why an outbound proxy setting was refused.
public struct OutboundProxyError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
