import Foundation
import HeraldCore
import WebhookSignature

/// The request of a delivery: the endpoint's own headers, then Herald's, which the endpoint's cannot override.
enum WebhookRequest {
    static func request(
        task: DeliveryTask,
        endpoint: Endpoint,
        template: RequestTemplates.Template,
        target: OutboundTarget,
        payload: [UInt8],
        timestamp: Date,
        signatureHeaders: DeliveryConfiguration.SignatureHeaders,
        secrets parsed: ParsedSecrets
    ) -> OutboundRequest {
        var writer = OutboundRequest.Writer(path: template.path, hostHeader: template.hostHeader, bodyLength: payload.count)
        // Credentials in the URL replace an `Authorization` header of the endpoint's.
        let credentials = template.authorization
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key })
        where !isReserved(name) && (credentials == nil || name.lowercased() != "authorization") {
            writer.add(name, value)
        }
        if let credentials { writer.add("authorization", credentials) }
        let seconds = Int64(timestamp.timeIntervalSince1970)
        let secrets = endpoint.secrets.live(at: timestamp).compactMap(parsed.secret)
        let signature = WebhookSigner.signatureHeader(
            secrets: secrets,
            messageID: task.messageID,
            timestamp: seconds,
            payload: payload
        )
        writer.add("content-type", "application/json")
        writer.add("user-agent", HeraldDelivery.userAgent)
        let time = String(seconds)
        for prefix in signatureHeaders == .both ? ["webhook", "svix"] : [signatureHeaders.rawValue] {
            writer.add(prefix + "-id", task.messageID)
            writer.add(prefix + "-timestamp", time)
            writer.add(prefix + "-signature", signature)
        }
        return writer.finish(target: target, body: payload)
    }

    /// Headers only Herald sets (the API refuses them too; this guards rows written before that rule).
    static func isReserved(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("webhook-") || lower.hasPrefix("svix-") || lower == "content-type" || lower == "user-agent"
            || lower == "host" || lower == "content-length" || lower == "transfer-encoding" || lower == "connection"
    }
}
