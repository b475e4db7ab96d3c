import Foundation
import Hummingbird
import Synchronization

/// Answers every request `herald listen` gets: verifies and prints deliveries, answers the chosen status.
struct ListenReceiver: Sendable {
    let check: SignatureCheck
    let status: Int
    /// Only this path takes deliveries, when set.
    let path: String?
    let maxBodyBytes: Int
    let output: StandardOutput

    func respond(to request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let received = ReceivedRequest(
            receivedAt: Date(),
            method: request.method.rawValue,
            path: request.uri.path,
            headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
            body: Array(body.readableBytesView)
        )
        if let path, received.path != path {
            output.write(ListenReport.ignored(received, answeredStatus: 404, why: "not \(path)"))
            return Response(status: .notFound)
        }
        guard request.method == .post else {
            output.write(ListenReport.ignored(received, answeredStatus: 405, why: "not a POST"))
            return Response(status: .methodNotAllowed, headers: [.allow: "POST"])
        }
        output.write(ListenReport.render(received, verdict: verdict(received), answeredStatus: status))
        return Response(status: .init(code: status))
    }

    func verdict(_ received: ReceivedRequest) -> SignatureVerdict {
        guard check.canVerify else { return .unchecked }
        do {
            try check.verify(headers: received.headerDictionary, payload: received.body, now: received.receivedAt)
            return .verified
        } catch {
            return .failed(reason: check.reason(error))
        }
    }
}

/// Standard output written unbuffered, one whole report at a time, so that a pipe reader sees each delivery as it
/// arrives and concurrent deliveries never interleave.
final class StandardOutput: Sendable {
    private let lock = Mutex(())

    func write(_ text: String) {
        lock.withLock { _ in
            try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        }
    }
}
