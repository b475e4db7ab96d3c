import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects an attempt's answer for the audit log: the status, `Retry-After`, and at most `limit` bytes of body.
/// Once the limit is reached the rest is never read: the request ends with ``LimitReached`` (the connection is
/// dropped) and what was collected is the answer.
final class BoundedResponseDelegate: HTTPClientResponseDelegate {
    struct Collected: Sendable {
        var status = 0
        var retryAfter: String?
        var body: [UInt8] = []
    }

    /// Ends a request whose body reached the limit.
    struct LimitReached: Error {}

    private let limit: Int
    private let state = Mutex(Collected())

    init(limit: Int) {
        self.limit = limit
    }

    /// What arrived so far.
    var collected: Collected { state.withLock { $0 } }

    func didReceiveHead(task: HTTPClient.Task<Collected>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { collected in
            collected.status = Int(head.status.code)
            collected.retryAfter = head.headers.first(name: "retry-after")
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Collected>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let full = state.withLock { collected in
            collected.body += buffer.readableBytesView.prefix(max(0, limit - collected.body.count))
            return collected.body.count >= limit
        }
        return full ? task.eventLoop.makeFailedFuture(LimitReached()) : task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Collected>) throws -> Collected {
        collected
    }
}
