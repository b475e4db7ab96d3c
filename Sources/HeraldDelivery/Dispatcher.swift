import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1
import WebhookSignature

/// Sends one attempt: signs the payload, vets the address, POSTs, and reads a bounded response.
struct Dispatcher: Sendable {
    /// What one attempt observed.
    struct Result: Sendable {
        var statusCode = 0
        var response = ""
        var duration: TimeInterval = 0
        var errorKind: String?
        var retryAfter: String?
    }

    let configuration: DeliveryConfiguration
    let clients: HTTPClientPool
    let addressGuard: AddressGuard
    let templates = RequestTemplates()

    func send(_ task: DeliveryTask, to endpoint: Endpoint, at now: Date) async -> Result {
        guard let payload = task.payload else {
            return Result(response: "The payload expired or was expunged before delivery", errorKind: "payload_expired")
        }
        guard let template = templates.template(for: endpoint.url) else {
            return Result(response: "The endpoint URL is not a valid http(s) URL", errorKind: AttemptErrorKind.other.rawValue)
        }
        let host = template.host
        let started = ContinuousClock.now
        func elapsed() -> TimeInterval {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let address: IPAddress
        do {
            address = try await addressGuard.vet(host: host)
        } catch {
            let kind: AttemptErrorKind =
                error.isBlockedAddress ? .blockedAddress : error.isResolutionFailure ? .dnsFailure : .other
            return Result(response: error.description, duration: elapsed(), errorKind: kind.rawValue)
        }
        let headers = WebhookRequest.headers(
            task: task,
            endpoint: endpoint,
            payload: payload,
            timestamp: now,
            signatureHeaders: configuration.signatureHeaders
        )
        var request = template.request
        request.headers = headers
        request.body = .bytes(payload)
        // The delegate API's deadline covers the whole exchange, body included (the async API's stops at the
        // response head), and it runs on the event loop: no task per attempt, no timer of our own.
        let delegate = BoundedResponseDelegate(limit: configuration.maximumResponseBytes)
        let deadline = NIODeadline.now() + .milliseconds(Int64(configuration.requestTimeout * 1000))
        let exchange = clients.client(host: host, address: address).execute(
            request: request, delegate: delegate, deadline: deadline)
        do {
            let collected: BoundedResponseDelegate.Collected
            do {
                collected = try await withTaskCancellationHandler {
                    try await exchange.futureResult.get()
                } onCancel: {
                    exchange.cancel()
                }
            } catch is BoundedResponseDelegate.LimitReached {
                collected = delegate.collected
            }
            return Result(
                statusCode: collected.status,
                response: String(decoding: collected.body, as: UTF8.self),
                duration: elapsed(),
                retryAfter: collected.retryAfter
            )
        } catch {
            let kind = Self.classify(error)
            return Result(response: Self.describe(error, kind), duration: elapsed(), errorKind: kind.rawValue)
        }
    }

    /// Maps a client error to the kind recorded in the audit log.
    static func classify(_ error: any Error) -> AttemptErrorKind {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .tlsHandshakeTimeout: return .timeout
            case .remoteConnectionClosed, .cancelled: return .connectionReset
            case .invalidProxyResponse: return .blockedAddress
            default: break
            }
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .connectRefused }
        if let error = error as? ChannelError, case .connectTimeout = error { return .timeout }
        let text = String(reflecting: error)
        if text.contains("ECONNREFUSED") || text.contains("Connection refused") || text.contains("connectionRefused") {
            return .connectRefused
        }
        if text.contains("NIOSSL") || text.contains("BoringSSL") || text.contains("handshake") || text.contains("certificate") {
            return .tlsFailure
        }
        if text.contains("ECONNRESET") || text.contains("reset by peer") || text.contains("EPIPE") { return .connectionReset }
        if text.contains("imeout") { return .timeout }
        if text.contains("NIOConnectionError") || text.contains("dns") { return .connectRefused }
        if text.contains("HTTPParser") || text.contains("invalid") { return .invalidResponse }
        return .other
    }

    private static func describe(_ error: any Error, _ kind: AttemptErrorKind) -> String {
        switch kind {
        case .timeout: "The endpoint did not answer within the request timeout"
        case .connectRefused: "The connection to the endpoint was refused"
        case .tlsFailure: "TLS failed: " + String(describing: error).prefix(300)
        case .connectionReset: "The endpoint closed the connection before answering"
        case .invalidResponse: "The endpoint's response was not valid HTTP"
        default: String(String(describing: error).prefix(300))
        }
    }
}
