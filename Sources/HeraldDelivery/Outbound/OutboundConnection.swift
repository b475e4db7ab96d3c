import NIOCore
import NIOSSL

/// One keep-alive HTTP/1.1 connection of an ``OutboundClient``. It carries one exchange at a time: writes the
/// request's bytes in one flush, reads the response (``ResponseParser``) keeping at most its bound of the body, and
/// goes back to the client's idle connections when the server keeps it open.
///
/// It is the only handler of its channel but TLS: NIO's HTTP/1 encoder, header validator and decoder in between
/// cost a delivery about a fifth of its event-loop time.
///
/// Its mutable state is touched only on its channel's event loop (hence `@unchecked Sendable`).
final class OutboundConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Exchange {
        let owner: OutboundExchange
        var parser: ResponseParser
        var deadline: Scheduled<Void>?
    }

    let target: OutboundTarget
    let channel: any Channel
    private let client: OutboundClient
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    private var idleTimer: Scheduled<Void>?
    /// Exchanges this connection completed; a failure on a connection that served before may only mean the server
    /// closed it while idle.
    private var served = 0
    /// The first error the pipeline reported: it may come before an exchange starts (a TLS handshake that fails
    /// while the connect completes), and then explains why the connection is closed.
    private var closedBy: (any Error)?

    init(target: OutboundTarget, channel: any Channel, client: OutboundClient, idleTimeout: TimeAmount) {
        self.target = target
        self.channel = channel
        self.client = client
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends the exchange's request. Runs on the channel's event loop.
    func send(_ owner: OutboundExchange) {
        channel.eventLoop.preconditionInEventLoop()
        guard let context, exchange == nil, channel.isActive else {
            // Nothing was sent: a kept-alive connection that closed while idle (even with an error) is stale.
            owner.connectionFailed(closedBy ?? OutboundError.connectionClosed, stale: served > 0)
            return
        }
        idleTimer?.cancel()
        idleTimer = nil
        var exchange = Exchange(owner: owner, parser: ResponseParser(limit: owner.responseLimit))
        exchange.deadline = channel.eventLoop.scheduleTask(deadline: owner.deadline) { [self] in
            fail(OutboundError.timeout, of: owner)
        }
        self.exchange = exchange
        // A write that fails closes the channel: channelInactive fails the exchange.
        context.writeAndFlush(wrapOutboundOut(owner.request.bytes), promise: nil)
    }

    /// Ends the exchange of `owner` if it is still this connection's, closing the connection. Any thread.
    func abort(_ owner: OutboundExchange) {
        channel.eventLoop.execute { [self] in fail(OutboundError.cancelled, of: owner) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var exchange else {
            // An answer to no request: the connection is out of step.
            context.close(promise: nil)
            return
        }
        self.exchange = nil  // so the body the parser keeps is not copied on write
        var buffer = unwrapInboundIn(data)
        let progress: ResponseParser.Progress
        do {
            progress = try exchange.parser.parse(&buffer)
        } catch {
            self.exchange = exchange
            fail(error, of: exchange.owner)
            return
        }
        self.exchange = exchange
        // A complete response ends the exchange; bytes after it mean the connection is out of step.
        if case .complete(let reusable) = progress { finish(reusable: reusable) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        if let exchange {
            if exchange.parser.completedByClose() {
                finish(reusable: false)
            } else {
                fail(closedBy ?? OutboundError.connectionClosed, of: exchange.owner)
            }
        }
        client.forget(self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if closedBy == nil { closedBy = error }
        if let exchange {
            // A body without framing ends with the connection; many servers end TLS without a close_notify.
            if exchange.parser.completedByClose(), case .uncleanShutdown? = error as? NIOSSLError {
                finish(reusable: false)
            } else {
                fail(error, of: exchange.owner)
            }
        }
        context.close(promise: nil)
    }

    private func finish(reusable: Bool) {
        guard let exchange else { return }
        self.exchange = nil
        exchange.deadline?.cancel()
        served += 1
        if reusable && channel.isActive {
            idleTimer = channel.eventLoop.scheduleTask(in: idleTimeout) { [self] in context?.close(promise: nil) }
            client.keep(self)
        } else {
            context?.close(promise: nil)
        }
        exchange.owner.complete(.success(exchange.parser.response))
    }

    /// Fails the exchange of `owner`, if it is the current one, and closes the connection: after a failure its
    /// state is unknown.
    private func fail(_ error: any Error, of owner: OutboundExchange) {
        guard let exchange, exchange.owner === owner else { return }
        self.exchange = nil
        exchange.deadline?.cancel()
        context?.close(promise: nil)
        let timedOut = (error as? OutboundError)?.kind == .timeout
        owner.connectionFailed(error, stale: served > 0 && !exchange.parser.started && !timedOut)
    }
}
