import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Owns the HTTP clients deliveries go out on. A client connects only to addresses the guard vetted:
/// hostnames are pinned to their vetted address with `dnsOverride` (TLS still checks the hostname), so the
/// connection never makes a second lookup that could answer differently.
///
/// A lock, not an actor: every attempt asks for its client, and a hop onto an actor and back cost each one.
final class HTTPClientPool: Sendable {
    private struct Entry {
        let client: HTTPClient
        var lastUsed: ContinuousClock.Instant
    }

    private struct Clients {
        var current: [String: Entry] = [:]
        var retired: [HTTPClient] = []
    }

    private let configuration: HTTPClient.Configuration
    private let maximumClients: Int
    private let clients = Mutex(Clients())

    init(timeout: TimeInterval, connectionsPerHost: Int, maximumClients: Int = 1024) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // No read timeout: each request's deadline covers its whole exchange, and an idle-read timer per request
        // was armed and cancelled on the event loop for nothing.
        configuration.timeout = .init(connect: .milliseconds(Int64(min(timeout, 10) * 1000)))
        // Lanes enforce each endpoint's cap; endpoints sharing a host must not share (and starve) connections.
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost
        )
        // A refused connection is an attempt outcome; retrying it until the deadline would only hide it.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Herald exports no traces. Left to its default, the client starts a span on the global tracer (a no-op
        // one) for every request and fills in its attributes: about a tenth of a delivery's CPU in interleaved runs.
        configuration.tracing.tracer = nil
        self.configuration = configuration
        self.maximumClients = maximumClients
    }

    /// The client for `host`, connecting to `address`.
    func client(host: String, address: IPAddress) -> HTTPClient {
        let key = host + "|" + address.description
        let now = ContinuousClock.now
        return clients.withLock { clients in
            if let entry = clients.current[key] {
                clients.current[key]?.lastUsed = now
                return entry.client
            }
            if clients.current.count >= maximumClients,
                let oldest = clients.current.min(by: { $0.value.lastUsed < $1.value.lastUsed })
            {
                clients.current[oldest.key] = nil
                clients.retired.append(oldest.value.client)
            }
            var configuration = self.configuration
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            if bare != address.description {
                configuration.dnsOverride = [bare: address.description]
            }
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
            clients.current[key] = Entry(client: client, lastUsed: now)
            return client
        }
    }

    /// Shuts every client down; in-flight requests fail.
    func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients = Clients() }
            return clients.current.values.map(\.client) + clients.retired
        }
        for client in all { try? await client.shutdown() }
    }
}
