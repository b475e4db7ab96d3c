import Foundation

/// Endpoint URLs parsed once into what each attempt's request starts from: parsing the URL on every attempt was
/// 4% of the CPU of a delivery.
struct RequestTemplates: Sendable {
    struct Template: Sendable {
        /// The URL's host without the brackets of an IPv6 literal: what the address guard vets, the TLS server name.
        let host: String
        let https: Bool
        /// The URL's port, or the scheme's default.
        let port: Int
        /// The request target: the percent-encoded path (at least `/`) and query.
        let path: String
        let hostHeader: String
        /// The host read as an address or a name, for the address guard (or why it is neither).
        let literal: Result<HostLiteral, AddressGuardError>
        /// `Basic` credentials from the URL's user and password, if it has them.
        let authorization: String?
    }

    private let templates: ParsedOnce<Template>

    init(capacity: Int = 10_000) {
        templates = ParsedOnce(capacity: capacity, parse: Self.parse)
    }

    /// The template for `url`, or nil when it is not a valid http(s) URL with a host.
    func template(for url: String) -> Template? {
        templates.value(for: url)
    }

    static func parse(_ url: String) -> Template? {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty,
            let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        let https = scheme == "https"
        let port = parsed.port ?? (https ? 443 : 80)
        guard (1...65535).contains(port) else { return nil }
        var path = parsed.path(percentEncoded: true)
        if path.isEmpty { path = "/" }
        if let query = parsed.query(percentEncoded: true) { path += "?" + query }
        let bare = URL.unbracketed(host)
        return Template(
            host: bare, https: https, port: port, path: path,
            hostHeader: OutboundTarget.hostHeader(host: bare, port: port, https: https),
            literal: Result { () throws(AddressGuardError) in try HostLiteral(bare) }, authorization: parsed.basicCredentials)
    }
}

extension URL {
    /// `Basic …` from the URL's user and password (percent-decoded), when it names a user: an endpoint's go out as
    /// `Authorization`, the outbound proxy's as `Proxy-Authorization`.
    var basicCredentials: String? {
        guard let user = user(percentEncoded: false) else { return nil }
        let credentials = user + ":" + (password(percentEncoded: false) ?? "")
        return "Basic " + Data(credentials.utf8).base64EncodedString()
    }

    /// A URL's host without the brackets of an IPv6 literal.
    static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
