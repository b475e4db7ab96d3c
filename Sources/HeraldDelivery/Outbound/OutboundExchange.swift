import NIOCore
import Synchronization

/// One request of an ``OutboundClient`` from start to answer: it completes exactly once, with the response or
/// the error that ended it, and can be cancelled from any thread. A callback, not a future: a future and its
/// promise cost each attempt two allocations and a generic metadata lookup.
///
/// A kept-alive connection the server closed while it was idle fails before any response arrives; then the
/// request is sent once more on a new connection, within the same deadline.
final class OutboundExchange: Sendable {
    private struct State {
        var done = false
        var cancelled = false
        var retried = false
        var connection: OutboundConnection?
    }

    let request: OutboundRequest
    let deadline: NIODeadline
    let responseLimit: Int
    /// Called once with the answer, or the error that ended the exchange.
    private let completion: @Sendable (Result<OutboundResponse, any Error>) -> Void
    private let client: OutboundClient
    private let state = Mutex(State())

    init(
        request: OutboundRequest,
        deadline: NIODeadline,
        responseLimit: Int,
        client: OutboundClient,
        completion: @escaping @Sendable (Result<OutboundResponse, any Error>) -> Void
    ) {
        self.request = request
        self.deadline = deadline
        self.responseLimit = responseLimit
        self.client = client
        self.completion = completion
    }

    /// Ends the exchange; the connection it runs on, if any, closes.
    func cancel() {
        let connection = state.withLock { state in
            state.cancelled = true
            return state.connection
        }
        connection?.abort(self)
        complete(.failure(OutboundError.cancelled))
    }

    /// Runs the exchange on `connection`, unless it was cancelled meanwhile. Call on the connection's event loop.
    func run(on connection: OutboundConnection) {
        let cancelled = state.withLock { state in
            state.connection = connection
            return state.cancelled || state.done
        }
        guard !cancelled else { return }
        connection.send(self)
    }

    /// Completes the exchange; later calls do nothing.
    func complete(_ result: Result<OutboundResponse, any Error>) {
        let first = state.withLock { state in
            defer { state.done = true; state.connection = nil }
            return !state.done
        }
        if first { completion(result) }
    }

    /// The connection failed the exchange. `stale` says it failed on a connection that had served before and
    /// nothing of the answer arrived: then a new connection gets the one retry.
    func connectionFailed(_ error: any Error, stale: Bool) {
        let retry = state.withLock { state in
            guard stale, !state.retried, !state.cancelled, !state.done, NIODeadline.now() < deadline else { return false }
            state.retried = true
            state.connection = nil
            return true
        }
        if retry {
            client.connect(self)
        } else {
            complete(.failure(error))
        }
    }
}
