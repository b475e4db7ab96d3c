/// Why an attempt got no usable response. Raw values are what attempt records and the API show.
public enum AttemptErrorKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// No complete response within the attempt's deadline.
    case timeout
    /// The endpoint's host refused the connection.
    case connectRefused = "connect_refused"
    /// The endpoint's host name did not resolve.
    case dnsFailure = "dns_failure"
    /// The TLS handshake failed (certificate, protocol or cipher).
    case tlsFailure = "tls_failure"
    /// The address guard refused the resolved address (loopback, private, link-local …).
    case blockedAddress = "blocked_address"
    /// The connection closed or reset before a complete response.
    case connectionReset = "connection_reset"
    /// The response could not be read as HTTP, or its body overran its bound.
    case invalidResponse = "invalid_response"
    /// The outbound proxy could not be reached, or refused or broke the tunnel to the endpoint.
    case proxyFailure = "proxy_failure"
    /// Anything else.
    case other
}
