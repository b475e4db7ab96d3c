import Foundation
import HeraldCore
import NIOHTTP1
import WebhookSignature

/// The headers of a delivery: the endpoint's own, then Herald's, which the endpoint's cannot override.
enum WebhookRequest {
    static func headers(
        task: DeliveryTask,
        endpoint: Endpoint,
        payload: [UInt8],
        timestamp: Date,
        signatureHeaders: DeliveryConfiguration.SignatureHeaders,
        secrets parsed: ParsedSecrets
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) where !isReserved(name) {
            headers.add(name: name, value: value)
        }
        let seconds = Int64(timestamp.timeIntervalSince1970)
        let secrets = endpoint.secrets.live(at: timestamp).compactMap(parsed.secret)
        let signature = WebhookSigner.signatureHeader(
            secrets: secrets,
            messageID: task.messageID,
            timestamp: seconds,
            payload: payload
        )
        // Added, not replaced: the endpoint's headers above hold none of these names.
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "user-agent", value: HeraldDelivery.userAgent)
        for prefix in signatureHeaders == .both ? ["webhook", "svix"] : [signatureHeaders.rawValue] {
            headers.add(name: "\(prefix)-id", value: task.messageID)
            headers.add(name: "\(prefix)-timestamp", value: String(seconds))
            headers.add(name: "\(prefix)-signature", value: signature)
        }
        return headers
    }

    /// Headers only Herald sets (the API refuses them too; this guards rows written before that rule).
    static func isReserved(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("webhook-") || lower.hasPrefix("svix-") || lower == "content-type" || lower == "user-agent"
            || lower == "host" || lower == "content-length" || lower == "transfer-encoding" || lower == "connection"
    }
}
