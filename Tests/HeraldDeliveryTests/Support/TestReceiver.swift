import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// A webhook receiver on 127.0.0.1 with a port of its own: records every request and answers each path as the test
/// says (a status, a sequence, a delay, a redirect, a huge or trickling body).
final class TestReceiver: Sendable {
    /// Decides the reply to a request; `number` counts the path's requests from 1.
    typealias Behaviour = @Sendable (_ request: ReceivedRequest, _ number: Int) async -> ReceiverReply

    private struct State {
        var port: Int?
        var requests: [ReceivedRequest] = []
        var behaviours: [String: Behaviour] = [:]
        var answeredAt: [Int: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())

    /// The port the server listens on.
    var port: Int { state.withLock { $0.port } ?? 0 }

    /// The URL of `path` on this receiver.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Answers requests to `path` with `behaviour`; paths without one answer 200.
    func on(_ path: String, _ behaviour: @escaping Behaviour) {
        state.withLock { $0.behaviours[path] = behaviour }
    }

    /// Answers every request to `path` with `reply`.
    func on(_ path: String, reply: ReceiverReply) {
        on(path) { _, _ in reply }
    }

    /// Answers the requests to `path` with `replies` in turn, then keeps giving the last one.
    func on(_ path: String, sequence replies: [ReceiverReply]) {
        on(path) { _, number in replies[min(number, replies.count) - 1] }
    }

    /// Every request so far, in order of arrival, optionally only those to `path`.
    func requests(to path: String? = nil) -> [ReceivedRequest] {
        state.withLock { state in state.requests.filter { path == nil || $0.path == path } }
    }

    func count(_ path: String? = nil) -> Int {
        requests(to: path).count
    }

    /// When the receiver started sending its answer to `request` (after the reply's delay); nil while it waits.
    func answeredAt(_ request: ReceivedRequest) -> ContinuousClock.Instant? {
        state.withLock { $0.answeredAt[request.sequence] }
    }

    fileprivate func respond(to request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let (received, number, behaviour) = state.withLock { state in
            let received = ReceivedRequest(
                sequence: state.requests.count,
                path: request.uri.path,
                headers: headers,
                body: Array(buffer: body),
                arrivedAt: .now,
                arrivalDate: Date()
            )
            state.requests.append(received)
            let number = state.requests.lazy.filter { $0.path == received.path }.count
            return (received, number, state.behaviours[received.path])
        }
        let reply = await behaviour?(received, number) ?? ReceiverReply()
        if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
        state.withLock { $0.answeredAt[received.sequence] = .now }
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let status = HTTPResponse.Status(code: reply.status)
        switch reply.body {
        case .text(let text):
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case .stream(let chunkSize, let chunks, let pause):
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: chunkSize)
            return Response(
                status: status,
                headers: fields,
                body: ResponseBody(contentLength: chunkSize * chunks) { writer in
                    for _ in 0..<chunks {
                        try await writer.write(chunk)
                        if pause > .zero { try await Task.sleep(for: pause) }
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    fileprivate func started(port: Int) {
        state.withLock { $0.port = port }
    }
}

/// One request the receiver got.
struct ReceivedRequest: Sendable {
    /// Its place among all the receiver's requests, from 0.
    var sequence: Int
    var path: String
    /// Header values by lowercased name; repeated fields are joined with ", ".
    var headers: [String: String]
    var body: [UInt8]
    var arrivedAt: ContinuousClock.Instant
    var arrivalDate: Date

    var text: String { String(decoding: body, as: UTF8.self) }
    subscript(header name: String) -> String? { headers[name.lowercased()] }
}

/// What the receiver answers to one request.
struct ReceiverReply: Sendable {
    enum Body: Sendable {
        case text(String)
        /// `chunks` chunks of `chunkSize` bytes, with `pause` after each.
        case stream(chunkSize: Int, chunks: Int, pause: Duration)
    }

    var status = 200
    var headers: [String: String] = [:]
    var body = Body.text("ok")
    /// How long to wait before answering at all.
    var delay = Duration.zero

    static func status(_ status: Int, body: String = "", headers: [String: String] = [:]) -> ReceiverReply {
        ReceiverReply(status: status, headers: headers, body: .text(body))
    }

    static let ok = ReceiverReply()

    /// Holds the request open without answering for `duration`.
    static func hang(for duration: Duration = .seconds(60)) -> ReceiverReply {
        ReceiverReply(delay: duration)
    }
}

/// Runs a receiver for the duration of `body` and stops it afterwards.
///
/// It stops with a graceful shutdown, not by cancelling the server: a cancelled server can leave a connection it had
/// accepted but not yet served, and NIO stops the process on that connection (apple/swift-nio#3481; it happened here
/// to a test whose hanging endpoint was still being connected to). The shutdown closes the listening socket first;
/// requests still open after a second (the `hang` replies) are then cancelled.
func withTestReceiver<T>(_ body: (TestReceiver) async throws -> T) async throws -> T {
    let receiver = TestReceiver()
    let logger = Logger(label: "test-receiver", factory: { _ in SwiftLogNoOpLogHandler() })
    let app = Application(
        responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
            try await receiver.respond(to: request)
        },
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in receiver.started(port: channel.localAddress?.port ?? 0) },
        logger: logger
    )
    var configuration = ServiceGroupConfiguration(services: [app], logger: logger)
    configuration.maximumGracefulShutdownDuration = .seconds(1)
    let server = ServiceGroup(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let result: Result<T, any Error>
        do {
            try await eventually("the receiver is listening", timeout: .seconds(10)) { receiver.port != 0 }
            result = .success(try await body(receiver))
        } catch {
            result = .failure(error)
        }
        await server.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}
