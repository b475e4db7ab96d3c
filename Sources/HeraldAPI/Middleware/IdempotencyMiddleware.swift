import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import Hummingbird
import NIOCore

/// Makes a POST with an `idempotency-key` act at most once per token and path: a repeat within the key's
/// lifetime gets the first (successful) response replayed; a repeat while the first is still running waits for it.
/// Failed requests release the key, so a retry can act.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    static let header = HTTPField.Name("idempotency-key")!
    static let replayedHeader = HTTPField.Name("idempotent-replayed")!

    let store: any Store
    let lifetime: TimeInterval
    /// How long a repeat waits for the first request to finish before answering 409.
    var waitLimit: Duration = .seconds(10)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method == .post, let key = request.headers[Self.header], !key.isEmpty else {
            return try await next(request, context)
        }
        guard key.utf8.count <= 256 else {
            throw ValidationError(["header", "idempotency-key"], "Must be at most 256 characters")
        }
        let storageKey = Self.storageKey(token: context.tokenID ?? "", path: request.uri.path, key: key)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: waitLimit)
        var pause = Duration.milliseconds(20)
        while true {
            switch try await store.claimIdempotencyKey(storageKey, now: Date(), lifetime: lifetime) {
            case .completed(let stored):
                return Self.replay(stored)
            case .acquired:
                return try await act(storageKey, request, context, next)
            case .inProgress:
                guard clock.now < deadline else {
                    throw APIError.conflict("A request with this idempotency key is still in progress")
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }

    private func act(
        _ storageKey: String,
        _ request: Request,
        _ context: Context,
        _ next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try? await store.releaseIdempotencyKey(storageKey)
            throw error
        }
        guard (200..<300).contains(response.status.code) else {
            try? await store.releaseIdempotencyKey(storageKey)
            return response
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let stored = StoredResponse(
            status: response.status.code,
            contentType: response.headers[.contentType],
            body: collector.bytes
        )
        try await store.completeIdempotencyKey(storageKey, response: stored, expiresAt: Date().addingTimeInterval(lifetime))
        var replayable = response
        replayable.body = ResponseBody(byteBuffer: ByteBuffer(bytes: collector.bytes))
        return replayable
    }

    private static func replay(_ stored: StoredResponse) -> Response {
        var headers: HTTPFields = [replayedHeader: "true"]
        if let contentType = stored.contentType { headers[.contentType] = contentType }
        return Response(
            status: HTTPResponse.Status(code: stored.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body))
        )
    }

    /// Keys are scoped by token and path, and stored hashed.
    static func storageKey(token: String, path: String, key: String) -> String {
        SHA256Hex.of("\(token)\n\(path)\n\(key)")
    }
}

/// Gathers a response body's bytes so they can be stored and sent again.
private final class BodyCollector: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        bytes += buffer.readableBytesView
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
