import NIOCore

/// Opens a `CONNECT` tunnel through an ``OutboundProxy`` on a new connection to it: sends the request once the
/// connection is up, reads the proxy's answer head, and on a 2xx leaves the pipeline, so that what the client adds
/// next (TLS, the connection) talks to the endpoint through the tunnel. Anything else fails ``established``.
///
/// Its state is touched only on its channel's event loop (hence `@unchecked Sendable`).
final class ProxyTunnel: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The largest answer head read from the proxy.
    static let maximumHeadBytes = 16 * 1024

    /// Succeeds when the tunnel is open and this handler has left the pipeline.
    let established: EventLoopPromise<Void>
    private let request: ByteBuffer
    private let deadline: NIODeadline
    private var head: ByteBuffer?
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var done = false

    /// - Parameter target: the endpoint the tunnel leads to; the proxy gets its host name and port.
    init(proxy: OutboundProxy, target: OutboundTarget, deadline: NIODeadline, on loop: any EventLoop) {
        established = loop.makePromise()
        self.deadline = deadline
        let authority = OutboundTarget.hostHeader(host: target.host, port: target.port, https: false)
        var request = ByteBufferAllocator().buffer(capacity: 256)
        request.writeString("CONNECT \(authority) HTTP/1.1\r\nhost: \(authority)\r\n")
        if let authorization = proxy.authorization {
            request.writeString("proxy-authorization: \(authorization)\r\n")
        }
        request.writeStaticString("\r\n")
        self.request = request
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        timer = context.eventLoop.scheduleTask(deadline: deadline) { [self] in
            fail(OutboundError.timeout)
        }
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var bytes = unwrapInboundIn(data)
        var head = self.head ?? ByteBuffer()
        head.writeBuffer(&bytes)
        self.head = head
        let view = head.readableBytesView
        guard let end = Self.endOfHead(view) else {
            if view.count > Self.maximumHeadBytes {
                fail(OutboundError.proxy("the outbound proxy's answer to CONNECT was too large"))
            }
            return
        }
        let line = Array(view[view.startIndex..<end].prefix { $0 != 13 && $0 != 10 })
        guard let (_, status) = ResponseParser.statusLine(line) else {
            fail(OutboundError.proxy("the outbound proxy's answer to CONNECT was not HTTP"))
            return
        }
        guard (200...299).contains(status) else {
            fail(OutboundError.proxy("the outbound proxy answered \(status) to CONNECT"))
            return
        }
        // The endpoint speaks only after the client: bytes past the head mean the two are out of step.
        guard end + 4 == view.endIndex else {
            fail(OutboundError.proxy("the outbound proxy sent bytes after its answer to CONNECT"))
            return
        }
        done = true
        timer?.cancel()
        context.pipeline.syncOperations.removeHandler(context: context).cascade(to: established)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(OutboundError.proxy("the outbound proxy closed the connection before the tunnel was open"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
    }

    /// A connection that closed before the tunnel opened (or never connected) still completes ``established``.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        guard !done else { return }
        done = true
        timer?.cancel()
        established.fail(OutboundError.proxy("the connection to the outbound proxy closed before the tunnel was open"))
    }

    private func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        timer?.cancel()
        established.fail(error)
        context?.close(promise: nil)
    }

    /// Where the blank line that ends the head starts, if it has arrived.
    private static func endOfHead(_ bytes: ByteBufferView) -> Int? {
        let crlfcrlf: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        var index = bytes.startIndex
        while index + 4 <= bytes.endIndex {
            if bytes[index..<index + 4].elementsEqual(crlfcrlf) { return index }
            index += 1
        }
        return nil
    }
}
