import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import NIOCore

/// Reads request bodies and writes response bodies as JSON, the same way on every route.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }()

    static let decoder = JSONDecoder()

    /// The body's bytes, refusing more than `limit` with 413.
    static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        func tooLarge() -> APIError { .payloadTooLarge("The request body is larger than \(limit) bytes") }
        // Refused before reading: a client that sent `Expect: 100-continue` holds the body back until invited.
        if let declared = declaredLength(request.headers), declared > limit { throw tooLarge() }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        }
    }

    /// The request's `Content-Length` as a number, or nil when it is absent or not one number. Read by hand: the
    /// subscript of `HTTPFields` joins every value of the name into a new string.
    static func declaredLength(_ fields: HTTPFields) -> Int? {
        for field in fields where field.name == .contentLength { return Int(field.value) }
        return nil
    }

    /// Decodes `T` from `bytes`: malformed JSON is a 400, a well-formed body with wrong fields a 422.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try check(bytes)
        return try decodeChecked(T.self, from: bytes)
    }

    /// Refuses a body that is empty or not strict JSON (400), or has a NUL character in a text field (422).
    static func check(_ bytes: [UInt8]) throws {
        if bytes.isEmpty { throw APIError.badRequest("The request body is empty; a JSON object is expected") }
        let scan = StrictJSON.scan(bytes)
        if let offset = scan.error {
            throw APIError.badRequest("The request body is not valid JSON (at byte \(offset))")
        }
        if let offset = scan.nulOutsidePayload {
            throw ValidationError(["body"], "Text fields cannot contain the NUL character \\u0000 (at byte \(offset))")
        }
    }

    /// Decodes `T` from bytes that passed ``check(_:)``: wrong fields are a 422.
    static func decodeChecked<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw translate(error)
        }
    }

    /// Decodes `T` from the request's body.
    static func decode<T: Decodable>(_ type: T.Type, request: Request, context: HeraldRequestContext, limit: Int)
        async throws -> T
    {
        try decode(T.self, from: try await body(request, limit: limit))
    }

    static func translate(_ error: DecodingError) -> any Error {
        func location(_ path: [any CodingKey]) -> [String] {
            ["body"] + path.map { $0.intValue.map(String.init) ?? $0.stringValue }
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return APIError.badRequest("The request body is not valid JSON")
        case .dataCorrupted(let context):
            return ValidationError(location(context.codingPath), context.debugDescription)
        case .keyNotFound(let key, let context):
            return ValidationError(location(context.codingPath + [key]), "Field required", type: "missing")
        case .valueNotFound(_, let context):
            return ValidationError(location(context.codingPath), "Field may not be null", type: "missing")
        case .typeMismatch(let type, let context):
            return ValidationError(location(context.codingPath), "Expected \(describe(type))", type: "type_error")
        @unknown default:
            return APIError.badRequest("The request body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is [String].Type: "an array of strings"
        case is [String: String].Type: "an object of strings"
        default:
            String(describing: type).hasPrefix("Dictionary")
                ? "a JSON object"
                : String(describing: type).hasPrefix("Array") ? "a JSON array" : "a different type of value"
        }
    }

    /// Encodes `value`, then adds members whose values are already JSON (such as stored payloads).
    static func encode(_ value: some Encodable, rawMembers: [(String, [UInt8])] = []) throws -> [UInt8] {
        var bytes = [UInt8](try encoder.encode(value))
        guard !rawMembers.isEmpty, bytes.last == UInt8(ascii: "}") else { return bytes }
        bytes.removeLast()
        var first = bytes.count == 1
        for (name, raw) in rawMembers {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes += try encoder.encode(name)
            bytes.append(UInt8(ascii: ":"))
            bytes += raw
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A response whose body is already-encoded JSON.
    static func raw(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        raw(try encode(value), status: status)
    }

    /// A list response `{data, iterator, prevIterator, done}` from items already encoded.
    static func listResponse<Item>(_ page: Page<Item>, encodeItem: (Item) throws -> [UInt8]) throws -> Response {
        try dataResponse(
            page.items, encodeItem: encodeItem,
            then: [
                ("iterator", try encode(page.iterator)), ("prevIterator", try encode(page.prevIterator)),
                ("done", Array((page.done ? "true" : "false").utf8)),
            ])
    }

    /// `{"data": [items], …}`: the items encoded by `encodeItem`, then the members `then` (name, JSON value).
    static func dataResponse<Item>(
        _ items: [Item], encodeItem: (Item) throws -> [UInt8], then members: [(String, [UInt8])]
    ) throws -> Response {
        var bytes = Array(#"{"data":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += try encodeItem(item)
        }
        bytes.append(UInt8(ascii: "]"))
        for (name, value) in members {
            bytes += Array(",\"\(name)\":".utf8)
            bytes += value
        }
        bytes.append(UInt8(ascii: "}"))
        return raw(bytes)
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }
}
