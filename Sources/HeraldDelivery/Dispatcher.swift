import Foundation
import HeraldCore
import NIOCore
import NIOPosix
import NIOSSL
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
    let client: OutboundClient
    let addressGuard: AddressGuard
    let templates = RequestTemplates()
    let secrets = ParsedSecrets()

    /// Sends one attempt and returns what it observed.
    func send(_ task: DeliveryTask, to endpoint: Endpoint, at now: Date) async -> Result {
        let started = ContinuousClock.now
        let (template, payload): (RequestTemplates.Template, [UInt8])
        switch prepare(task, endpoint) {
        case .refused(let result): return result
        case .ready(let ready, let bytes): (template, payload) = (ready, bytes)
        }
        let address: IPAddress
        do {
            address = try await addressGuard.vet(host: template.host, literal: template.literal.get())
        } catch {
            return Self.refusal(error, since: started)
        }
        let answer = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: OutboundResponse.self)
        let exchange = begin(task, endpoint, template, payload, address: address, at: now) { answer.completeWith($0) }
        let outcome: Swift.Result<OutboundResponse, any Error>
        do {
            outcome = .success(
                try await withTaskCancellationHandler {
                    try await answer.futureResult.get()
                } onCancel: {
                    exchange.cancel()
                })
        } catch {
            outcome = .failure(error)
        }
        return Self.result(of: outcome, since: started)
    }

    /// Starts one attempt without a task of its own when its host needs no lookup (an IP literal, or a name
    /// resolved recently), and calls `completion` with what it observed, on an event loop. Returns false, having
    /// started nothing, when the host has to be looked up first: then use ``send(_:to:at:)``.
    ///
    /// A task per attempt, and the hop back from the event loop to it, cost every delivery its share.
    func start(
        _ task: DeliveryTask,
        to endpoint: Endpoint,
        at now: Date,
        completion: @escaping @Sendable (Result) -> Void
    ) -> Bool {
        let started = ContinuousClock.now
        let (template, payload): (RequestTemplates.Template, [UInt8])
        switch prepare(task, endpoint) {
        case .refused(let result):
            completion(result)
            return true
        case .ready(let ready, let bytes): (template, payload) = (ready, bytes)
        }
        let address: IPAddress
        do {
            guard let vetted = try addressGuard.vetWithoutLookup(host: template.host, literal: template.literal.get()) else {
                return false
            }
            address = vetted
        } catch {
            completion(Self.refusal(error, since: started))
            return true
        }
        _ = begin(task, endpoint, template, payload, address: address, at: now) { outcome in
            completion(Self.result(of: outcome, since: started))
        }
        return true
    }

    private enum Preparation {
        case ready(RequestTemplates.Template, payload: [UInt8])
        /// The attempt cannot be made; this is its result.
        case refused(Result)
    }

    private func prepare(_ task: DeliveryTask, _ endpoint: Endpoint) -> Preparation {
        guard let payload = task.payload else {
            return .refused(Result(response: "The payload expired or was expunged before delivery", errorKind: "payload_expired"))
        }
        guard let template = templates.template(for: endpoint.url) else {
            return .refused(
                Result(response: "The endpoint URL is not a valid http(s) URL", errorKind: AttemptErrorKind.other.rawValue))
        }
        return .ready(template, payload: payload)
    }

    /// Signs the payload and sends the request to the vetted `address`.
    private func begin(
        _ task: DeliveryTask,
        _ endpoint: Endpoint,
        _ template: RequestTemplates.Template,
        _ payload: [UInt8],
        address: IPAddress,
        at now: Date,
        completion: @escaping @Sendable (Swift.Result<OutboundResponse, any Error>) -> Void
    ) -> OutboundExchange {
        let request = WebhookRequest.request(
            task: task,
            endpoint: endpoint,
            template: template,
            target: OutboundTarget(https: template.https, host: template.host, port: template.port, address: address),
            payload: payload,
            timestamp: now,
            signatureHeaders: configuration.signatureHeaders,
            secrets: secrets,
            proxy: configuration.outboundProxy
        )
        let deadline = NIODeadline.now() + .milliseconds(Int64(configuration.requestTimeout * 1000))
        return client.send(
            request, deadline: deadline, responseLimit: configuration.maximumResponseBytes, completion: completion)
    }

    /// What an exchange observed.
    private static func result(
        of outcome: Swift.Result<OutboundResponse, any Error>,
        since started: ContinuousClock.Instant
    ) -> Result {
        switch outcome {
        case .success(let response):
            return Result(
                statusCode: response.status,
                response: String(decoding: response.body, as: UTF8.self),
                duration: seconds(since: started),
                retryAfter: response.retryAfter
            )
        case .failure(let error):
            let kind = classify(error)
            return Result(response: describe(error, kind), duration: seconds(since: started), errorKind: kind.rawValue)
        }
    }

    /// The result of an attempt the address guard refused (or whose host did not resolve).
    private static func refusal(_ error: AddressGuardError, since started: ContinuousClock.Instant) -> Result {
        let kind: AttemptErrorKind = error.isBlockedAddress ? .blockedAddress : error.isResolutionFailure ? .dnsFailure : .other
        return Result(response: error.description, duration: seconds(since: started), errorKind: kind.rawValue)
    }

    private static func seconds(since started: ContinuousClock.Instant) -> TimeInterval {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Maps a client error to the kind recorded in the audit log. The client reports its own errors, the socket's
    /// (`IOError` with an errno, `ChannelError`) and TLS's; anything else is `other`, described in the record.
    static func classify(_ error: any Error) -> AttemptErrorKind {
        switch error {
        case let error as OutboundError:
            switch error.kind {
            case .timeout: return .timeout
            case .connectionClosed, .cancelled: return .connectionReset
            case .invalidResponse: return .invalidResponse
            case .certificateNamesAnotherHost: return .tlsFailure
            case .proxy: return .proxyFailure
            }
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return .tlsFailure
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return .connectRefused
            case ETIMEDOUT: return .timeout
            case ECONNRESET, EPIPE, ECONNABORTED: return .connectionReset
            default: return .other
            }
        case let error as ChannelError:
            switch error {
            case .connectTimeout: return .timeout
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .connectionReset
            default: return .other
            }
        default:
            return .other
        }
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
