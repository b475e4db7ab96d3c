import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` (RFC 9110 §10.1.1). A client that sends it (curl does before a body over 1 MiB,
/// older releases over 1 KiB) holds the body back until the server invites it, or for about a second. A request
/// whose declared `Content-Length` fits within `maximumBodyBytes` gets `100 Continue` at once; a larger one gets
/// none, and its route answers 413 without the body being sent.
///
/// The interim response never overtakes the final response to an earlier request on the same connection: for a
/// pipelined request it waits until the responses before it are written. One instance per connection.
public final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    private let maximumBodyBytes: Int
    /// Requests read whose final response has not been written to its end.
    private var unanswered = 0
    /// For each unanswered request after the first, whether it waits for a `100 Continue`.
    private var waiting: [Bool] = []

    public init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            let invite = Self.invitesBody(request.headerFields, maximumBodyBytes: maximumBodyBytes)
            unanswered += 1
            if unanswered == 1 {
                if invite { sendContinue(context) }
            } else {
                waiting.append(invite)
            }
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        guard isEnd, unanswered > 0 else { return }
        unanswered -= 1
        if unanswered > 0, !waiting.isEmpty, waiting.removeFirst() { sendContinue(context) }
    }

    private func sendContinue(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    /// Whether a request with these fields expects `100 Continue` and may send its body.
    static func invitesBody(_ fields: HTTPFields, maximumBodyBytes: Int) -> Bool {
        guard let expect = fields[.expect], expect.lowercased() == "100-continue" else { return false }
        guard let length = JSONCoding.declaredLength(fields) else { return true }
        return length <= maximumBodyBytes
    }
}
