import AsyncHTTPClient
import Foundation
import Synchronization

/// Endpoint URLs parsed once into the request each attempt starts from: parsing the URL (Foundation's and the
/// client's own) on every attempt was 4% of the CPU of a delivery. At most `capacity` URLs are kept; when full,
/// the cache starts over.
final class RequestTemplates: Sendable {
    struct Template: Sendable {
        /// The URL's host, as the address guard vets it.
        let host: String
        /// A POST to the URL, without headers or body.
        let request: HTTPClient.Request
    }

    private let templates = Mutex<[String: Template]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The template for `url`, or nil when it is not a valid http(s) URL with a host.
    func template(for url: String) -> Template? {
        if let template = templates.withLock({ $0[url] }) { return template }
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty,
            let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let request = try? HTTPClient.Request(url: parsed, method: .POST)
        else { return nil }
        let template = Template(host: host, request: request)
        templates.withLock { templates in
            if templates.count >= capacity { templates.removeAll() }
            templates[url] = template
        }
        return template
    }
}
