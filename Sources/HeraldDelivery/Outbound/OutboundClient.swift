import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP/1.1 client attempts go out on: a POST per exchange over kept-alive connections, pooled per target.
///
/// - It connects only to the address the guard vetted (there is no lookup of its own), and HTTPS verifies the
///   certificate against the URL's host.
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
    private let connections = Mutex(Connections())

    /// - Parameters:
    ///   - connectTimeout: the longest a connection may take to open (the exchange's deadline may be sooner).
    ///   - idleTimeout: how long an idle connection stays open; below the 5 s that common servers keep one.
    ///   - tlsConfiguration: how HTTPS verifies servers; the system's trust roots by default.
    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(4),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) {
        self.group = group
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
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

    /// Opens a new connection for `exchange` and runs it there.
    func connect(_ exchange: OutboundExchange) {
        let target = exchange.request.target
        let remaining = exchange.deadline - NIODeadline.now()
        guard remaining > .zero else {
            exchange.complete(.failure(OutboundError.timeout))
            return
        }
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: target.address.description, port: target.port)
        } catch {
            exchange.complete(.failure(error))
            return
        }
        let tls: NIOSSLContext?
        do {
            tls = target.https ? try self.tls.get() : nil
        } catch {
            exchange.complete(.failure(error))
            return
        }
        let idleTimeout = idleTimeout
        let slot = ConnectionSlot()
        ClientBootstrap(group: group.next())
            .connectTimeout(min(remaining, connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                do {
                    let operations = channel.pipeline.syncOperations
                    if let tls {
                        // SNI and NIOSSL's name check use the URL's host (none for an IP literal). Then the
                        // certificate must name the host itself: see CertificateIdentity. Nothing is sent before.
                        let name = IPAddress(target.host) == nil ? target.host : nil
                        let handler = try NIOSSLClientHandler._makeSSLClientHandler(
                            context: tls, serverHostname: name
                        ) { certificate, channel in
                            CertificateIdentity.certificate(certificate, names: target.host)
                                ? channel.eventLoop.makeSucceededVoidFuture()
                                : channel.eventLoop.makeFailedFuture(OutboundError.certificateNamesAnotherHost)
                        }
                        try operations.addHandler(handler)
                    }
                    let connection = OutboundConnection(
                        target: target, channel: channel, client: self, idleTimeout: idleTimeout)
                    try operations.addHandler(connection)
                    slot.connection = connection
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(to: address)
            .whenComplete { [self] result in
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
    // Written by the channel initializer and read by the connect's completion, both on the channel's event loop.
    var connection: OutboundConnection?
}
