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
        secrets parsed: ParsedSecrets,
        proxy: OutboundProxy? = nil
    ) -> OutboundRequest {
        var writer = OutboundRequest.Writer(
            path: template.path, hostHeader: template.hostHeader, bodyLength: payload.count, https: template.https,
            proxy: proxy)
        // Credentials in the URL replace an `Authorization` header of the endpoint's. Reserved names are left out
        // (the API refuses them; this guards rows written before that rule).
        let credentials = template.authorization
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) where !Endpoint.isReservedHeader(name) {
            if credentials != nil, name.lowercased() == "authorization" { continue }
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
        writer.add("content-type", task.contentType ?? "application/json")
        writer.add("user-agent", HeraldDelivery.userAgent)
        let time = String(seconds)
        for prefix in signatureHeaders == .both ? ["webhook", "svix"] : [signatureHeaders.rawValue] {
            writer.add(prefix + "-id", task.messageID)
            writer.add(prefix + "-timestamp", time)
            writer.add(prefix + "-signature", signature)
        }
        return writer.finish(target: target, body: payload)
    }
}
