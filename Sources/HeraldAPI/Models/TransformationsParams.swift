import HeraldCore

/// Svix's `transformationsParams` of a message. Herald runs no transformations; it reads here the raw payload that
/// the SDKs' `message_in_raw` sends (with `payload: {}`) and the content type to deliver it with. Other members are
/// ignored.
struct TransformationsParams: Decodable, Sendable {
    var rawPayload: String?
    var headers: [String: String]?

    /// The raw payload's bytes and the content type they are delivered with (`application/json` unless `headers`
    /// names one); nil without a raw payload.
    func rawPayloadAndType() throws -> (payload: [UInt8], contentType: String)? {
        guard let rawPayload else { return nil }
        let given = headers?.first { $0.key.lowercased() == "content-type" }?.value
        let contentType = given ?? "application/json"
        try Validate.contentType(contentType, ["transformationsParams", "headers", "content-type"])
        return (Array(rawPayload.utf8), contentType)
    }

    /// How a stored raw payload reads back: as it was sent, `{"rawPayload": …, "headers": {"content-type": …}}`.
    static func encode(rawPayload: [UInt8], contentType: String) -> [UInt8] {
        var headers = JSONWriter(capacity: 32 + contentType.utf8.count)
        headers.member("content-type", contentType)
        var json = JSONWriter(capacity: 64 + rawPayload.count)
        json.member("rawPayload", String(decoding: rawPayload, as: UTF8.self))
        json.rawMember("headers", headers.finish())
        return json.finish()
    }
}
