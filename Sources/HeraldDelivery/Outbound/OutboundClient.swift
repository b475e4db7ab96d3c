import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP/1.1 client attempts go out on: a POST per exchange over kept-alive connections, pooled per target.
///
/// - It connects only to the address the guard vetted (there is no lookup of its own), or to the operator's
///   ``OutboundProxy``; HTTPS verifies the certificate against the URL's host.
/// - Redirects are answers, never followed. A response is read up to its bound; the rest never is.
/// - One deadline covers the whole exchange, connecting included.
///
/// Herald used AsyncHTTPClient here. Measured on a 100,000-delivery drain, that client and its hops between event
/// loops took about a third of a delivery's CPU, and it sent each request's head and body in two writes.
final class OutboundClient: Sendable {
    private struct Connections {
        var idle: [OutboundTarget: [OutboundConnection]] = [:]
        var open: [ObjectIdentifier: OutboundConnection] = [:]
        var shutDown = false
    }

    private let group: any EventLoopGroup
    private let connectTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let tls: Result<NIOSSLContext, any Error>
    /// The proxy every connection goes through, if any.
    let proxy: OutboundProxy?
    private let connections = Mutex(Connections())

    /// - Parameters:
    ///   - connectTimeout: the longest a connection may take to open (the exchange's deadline may be sooner).
    ///   - idleTimeout: how long an idle connection stays open; below the 5 s that common servers keep one.
    ///   - tlsConfiguration: how HTTPS verifies servers; the system's trust roots by default.
    ///   - proxy: where every connection goes instead of the vetted address (requests then name the host).
    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(4),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        proxy: OutboundProxy? = nil
    ) {
        self.group = group
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.proxy = proxy
        tls = Result { try NIOSSLContext(configuration: tlsConfiguration) }
    }

    /// Starts a POST of `request`, to be answered by `deadline`, keeping at most `responseLimit` bytes of the body.
    /// `completion` gets the answer or the error, once.
    func send(
        _ request: OutboundRequest,
        deadline: NIODeadline,
        responseLimit: Int,
        completion: @escaping @Sendable (Result<OutboundResponse, any Error>) -> Void
    ) -> OutboundExchange {
        let idle = connections.withLock { connections -> OutboundConnection? in
            while let connection = connections.idle[request.target]?.popLast() {
                if connection.channel.isActive { return connection }
            }
            return nil
        }
        let exchange = OutboundExchange(
            request: request, deadline: deadline, responseLimit: responseLimit, client: self, completion: completion)
        if let idle {
            let loop = idle.channel.eventLoop
            if loop.inEventLoop {
                exchange.run(on: idle)
            } else {
                loop.execute { exchange.run(on: idle) }
            }
        } else {
            connect(exchange)
        }
        return exchange
    }

    /// Opens a new connection for `exchange` (through the proxy, if there is one) and runs it there.
    func connect(_ exchange: OutboundExchange) {
        let target = exchange.request.target
        let remaining = exchange.deadline - NIODeadline.now()
        guard remaining > .zero else {
            exchange.complete(.failure(OutboundError.timeout))
            return
        }
        let tls: NIOSSLContext?
        do {
            tls = target.https ? try self.tls.get() : nil
        } catch {
            exchange.complete(.failure(error))
            return
        }
        let slot = ConnectionSlot()
        let bootstrap = ClientBootstrap(group: group.next())
            .connectTimeout(min(remaining, connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                do {
                    if let proxy, target.https {
                        // TLS and the connection are added once the proxy has opened the tunnel: only CONNECT is in clear.
                        let tunnel = ProxyTunnel(proxy: proxy, target: target, deadline: exchange.deadline, on: channel.eventLoop)
                        slot.tunnel = tunnel
                        try channel.pipeline.syncOperations.addHandler(tunnel)
                    } else {
                        try addHandlers(to: channel, target: target, tls: tls, slot: slot)
                    }
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    slot.tunnel?.established.fail(error)
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let connecting: EventLoopFuture<any Channel>
        if let proxy {
            connecting = bootstrap.connect(host: proxy.host, port: proxy.port).flatMapErrorThrowing { error in
                throw OutboundError.proxy("could not connect to the outbound proxy \(proxy): \(error)")
            }
        } else {
            do {
                connecting = bootstrap.connect(
                    to: try SocketAddress(ipAddress: target.address.description, port: target.port))
            } catch {
                exchange.complete(.failure(error))
                return
            }
        }
        connecting.flatMap { [self] channel -> EventLoopFuture<any Channel> in
            guard let tunnel = slot.tunnel else { return channel.eventLoop.makeSucceededFuture(channel) }
            return tunnel.established.futureResult.flatMapThrowing {
                try self.addHandlers(to: channel, target: target, tls: tls, slot: slot)
                return channel
            }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }.whenComplete { [self] result in
            switch result {
            case .failure(let error):
                exchange.complete(.failure(error))
            case .success(let channel):
                guard let connection = slot.connection, opened(connection) else {
                    channel.close(promise: nil)
                    exchange.complete(.failure(OutboundError.cancelled))
                    return
                }
                // A TLS handshake that failed fast may have closed the channel already (its pipeline is gone):
                // then the connection reports why when the exchange runs.
                if !channel.isActive { forget(connection) }
                exchange.run(on: connection)
            }
        }
    }

    /// Adds TLS (for https) and the connection handler to a channel that leads to `target`, directly or through a
    /// proxy's tunnel. Runs on the channel's event loop.
    private func addHandlers(to channel: any Channel, target: OutboundTarget, tls: NIOSSLContext?, slot: ConnectionSlot) throws {
        let operations = channel.pipeline.syncOperations
        if let tls {
            // SNI and NIOSSL's name check use the URL's host (none for an IP literal). Then the certificate must
            // name the host itself: see CertificateIdentity. Nothing is sent before.
            let name = IPAddress(target.host) == nil ? target.host : nil
            let handler = try NIOSSLClientHandler._makeSSLClientHandler(context: tls, serverHostname: name) {
                certificate, channel in
                CertificateIdentity.certificate(certificate, names: target.host)
                    ? channel.eventLoop.makeSucceededVoidFuture()
                    : channel.eventLoop.makeFailedFuture(OutboundError.certificateNamesAnotherHost)
            }
            try operations.addHandler(handler)
        }
        let connection = OutboundConnection(target: target, channel: channel, client: self, idleTimeout: idleTimeout)
        try operations.addHandler(connection)
        slot.connection = connection
    }

    /// Closes every connection; exchanges in flight fail.
    func shutdown() async {
        let open = connections.withLock { connections in
            connections.shutDown = true
            connections.idle = [:]
            return Array(connections.open.values)
        }
        for connection in open {
            try? await connection.channel.close()
        }
    }

    /// Registers a new connection; false once the client has shut down.
    private func opened(_ connection: OutboundConnection) -> Bool {
        connections.withLock { connections in
            guard !connections.shutDown else { return false }
            connections.open[ObjectIdentifier(connection)] = connection
            return true
        }
    }

    /// Takes back a connection whose exchange ended with the server keeping it open.
    func keep(_ connection: OutboundConnection) {
        let kept = connections.withLock { connections in
            guard !connections.shutDown else { return false }
            connections.idle[connection.target, default: []].append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// Drops a closed connection.
    func forget(_ connection: OutboundConnection) {
        connections.withLock { connections in
            connections.open[ObjectIdentifier(connection)] = nil
            connections.idle[connection.target]?.removeAll { $0 === connection }
            if connections.idle[connection.target]?.isEmpty == true { connections.idle[connection.target] = nil }
        }
    }
}

/// The connection a connect's channel initializer made, for the connect's completion: looking it up in the
/// pipeline fails when the channel closed in between.
private final class ConnectionSlot: @unchecked Sendable {
    // Written by the channel initializer (or once a tunnel is open) and read by the connect's completion, all on
    // the channel's event loop.
    var connection: OutboundConnection?
    var tunnel: ProxyTunnel?
}
