import Foundation
import WebhookSignature

/// One request as `herald listen` received it.
struct ReceivedRequest: Sendable {
    var receivedAt: Date
    var method: String
    var path: String
    /// Header names lowercased, in the order received.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The headers by name, for the verifier; the first of repeated names wins.
    var headerDictionary: [String: String] {
        Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// How a received delivery's signature fared.
enum SignatureVerdict: Sendable, Equatable {
    case verified
    case failed(reason: String)
    /// No secret was given, so nothing was checked.
    case unchecked
}

/// The text `herald listen` prints for one delivery: easy to read at a terminal and to grep in a pipe.
enum ListenReport {
    /// Headers left out of the report: transport details that say nothing about the webhook.
    static let hiddenHeaders: Set<String> = [
        "host", "connection", "keep-alive", "content-length", "transfer-encoding", "accept-encoding", "te",
    ]

    static func render(_ request: ReceivedRequest, verdict: SignatureVerdict, answeredStatus: Int) -> String {
        let headers = request.headerDictionary
        var lines = ["━━━ \(request.receivedAt.formatted(.iso8601))  \(request.method) \(request.path)"]
        lines.append("webhook-id:        \(SignatureCheck.header("id", in: headers) ?? "(none)")")
        if let text = SignatureCheck.header("timestamp", in: headers) {
            let readable = Int64(text).map { " (\(Date(timeIntervalSince1970: TimeInterval($0)).formatted(.iso8601)))" }
            lines.append("webhook-timestamp: \(text)\(readable ?? "")")
        } else {
            lines.append("webhook-timestamp: (none)")
        }
        switch verdict {
        case .verified: lines.append("VERIFIED: the signature matches")
        case .failed(let reason): lines.append("SIGNATURE FAILED: \(reason)")
        case .unchecked: lines.append("NOT VERIFIED: no --secret given")
        }
        lines.append("headers:")
        for (name, value) in request.headers where !hiddenHeaders.contains(name) {
            lines.append("  \(name): \(value)")
        }
        lines.append(describeBody(request.body))
        lines.append("answered \(answeredStatus)")
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// A one-line note for a request that is not a delivery (another method or path).
    static func ignored(_ request: ReceivedRequest, answeredStatus: Int, why: String) -> String {
        "━━━ \(request.receivedAt.formatted(.iso8601))  \(request.method) \(request.path)  ignored (\(why)), "
            + "answered \(answeredStatus)\n\n"
    }

    private static func describeBody(_ body: [UInt8]) -> String {
        if body.isEmpty { return "body: (empty)" }
        if let json = JSONReindenter.format(body) { return "body (\(body.count) bytes, JSON):\n\(json)" }
        if let text = String(validating: body, as: UTF8.self) { return "body (\(body.count) bytes, text):\n\(text)" }
        return "body: \(body.count) bytes, not text"
    }
}
