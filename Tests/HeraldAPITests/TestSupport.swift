import Foundation
import HTTPTypes
import HeraldAPI
import HeraldCore
import HeraldStore
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Herald's API over a fresh SQLite file in its own temporary directory, driven through Hummingbird's router tester.
struct TestAPI: Sendable {
    static let adminToken = "test-admin-token"
    static let maximumBodyBytes = 4096
    static let configuration = APIConfiguration(maximumBodyBytes: maximumBodyBytes, adminToken: adminToken)

    let client: any TestClientProtocol
    let store: SQLiteStore

    /// Runs `body` against a new API and database, then removes the database's directory. With `tasks`, bulk tasks
    /// run on a ``BackgroundTaskRunner`` that `tasks` makes for the store (as in `herald serve`), not before answering.
    static func run<Value: Sendable>(
        tasks: (@Sendable (SQLiteStore) -> BackgroundTaskRunner)? = nil,
        _ body: @Sendable (TestAPI) async throws -> Value
    ) async throws -> Value {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let runner = tasks?(store)
        let app = Application(
            responder: HeraldResponder(HeraldRouter.make(store: store, configuration: configuration, tasks: runner)))
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            if let runner {
                group.addTask {
                    await runner.run()
                    return nil
                }
            }
            let value = try await app.test(.router) { client in try await body(TestAPI(client: client, store: store)) }
            runner?.finish()
            try await group.waitForAll()
            return value
        }
    }

    /// Sends a request, with the admin token unless `token` says otherwise (nil sends no Authorization header).
    @discardableResult
    func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: String? = nil,
        token: String? = TestAPI.adminToken,
        headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            APIResponse($0)
        }
    }

    @discardableResult
    func get(_ uri: String) async throws -> APIResponse { try await request(.get, uri) }
    @discardableResult
    func post(_ uri: String, _ body: String) async throws -> APIResponse { try await request(.post, uri, body) }
    @discardableResult
    func put(_ uri: String, _ body: String) async throws -> APIResponse { try await request(.put, uri, body) }
    @discardableResult
    func patch(_ uri: String, _ body: String) async throws -> APIResponse { try await request(.patch, uri, body) }
    @discardableResult
    func delete(_ uri: String) async throws -> APIResponse { try await request(.delete, uri) }
}

/// What the API answered: status, headers, and the body as text and as decoded JSON.
struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    /// The body as JSON; `.null` when the body is empty or not JSON.
    let json: JSON

    init(_ response: TestResponse) {
        status = response.status
        headers = response.headers
        text = String(buffer: response.body)
        json = (try? JSONDecoder().decode(JSON.self, from: Data(text.utf8))) ?? .null
    }

    subscript(key: String) -> JSON? { json[key] }

    /// The `data` array of a list response.
    var data: [JSON] { json["data"]?.array ?? [] }
    /// The `id` of every item of a list response, in order.
    var ids: [String] { data.compactMap { $0["id"]?.string } }
}

/// A JSON value, comparable with literals: `#expect(response["name"] == "Acme")`.
enum JSON: Sendable, Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    subscript(index: Int) -> JSON? {
        if case .array(let items) = self, items.indices.contains(index) { items[index] } else { nil }
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var int: Int? { if case .number(let value) = self { Int(exactly: value) } else { nil } }
    var array: [JSON]? { if case .array(let items) = self { items } else { nil } }
    var object: [String: JSON]? { if case .object(let members) = self { members } else { nil } }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array(let items): "[\(items.map(\.description).joined(separator: ","))]"
        case .object(let members):
            "{\(members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ","))}"
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSON)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }
    init(nilLiteral: ()) { self = .null }
}

// MARK: - Building data through the API

extension TestAPI {
    /// Creates an application and returns its id.
    func createApplication(name: String = "Acme", uid: String? = nil) async throws -> String {
        let body = uid.map { #"{"name":"\#(name)","uid":"\#($0)"}"# } ?? #"{"name":"\#(name)"}"#
        let response = try await post("/api/v1/app", body)
        try #require(response.status == .created, "creating an application: \(response.text)")
        return try #require(response["id"]?.string)
    }

    /// Creates an endpoint of `app` from `body` and returns its id.
    func createEndpoint(app: String, _ body: String = #"{"url":"https://example.com/hook"}"#) async throws -> String {
        let response = try await post("/api/v1/app/\(app)/endpoint", body)
        try #require(response.status == .created, "creating an endpoint: \(response.text)")
        return try #require(response["id"]?.string)
    }

    /// Sends a message to `app` and returns the whole response (202).
    func sendMessage(app: String, _ body: String) async throws -> APIResponse {
        let response = try await post("/api/v1/app/\(app)/msg", body)
        try #require(response.status == .accepted, "sending a message: \(response.text)")
        return response
    }

    /// Sends a message of `eventType` with a small payload and returns its id.
    func sendMessage(app: String, eventType: String = "user.created", channels: [String]? = nil) async throws -> String {
        let channelsMember = channels.map { #","channels":[\#($0.map { "\"\($0)\"" }.joined(separator: ","))]"# } ?? ""
        let response = try await sendMessage(app: app, #"{"eventType":"\#(eventType)","payload":{"n":1}\#(channelsMember)}"#)
        return try #require(response["id"]?.string)
    }

    /// The ids of the endpoints a message is delivered to.
    func destinations(app: String, message: String) async throws -> Set<String> {
        let response = try await get("/api/v1/app/\(app)/msg/\(message)/endpoint")
        try #require(response.status == .ok, "listing a message's endpoints: \(response.text)")
        return Set(response.ids)
    }
}

// MARK: - Checking responses

/// Checks an error answer: `status`, and a JSON body `{"code": code, "detail": "<non-empty text>"}`.
func expectError(
    _ response: APIResponse,
    _ status: HTTPResponse.Status,
    code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response["code"] == .string(code), "body: \(response.text)", sourceLocation: sourceLocation)
    let detail = response["detail"]?.string ?? ""
    #expect(!detail.isEmpty, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
}

/// Checks a 422 answer `{"detail": [{"loc": […], "msg": …, "type": …}]}` whose first issue is at `location`.
func expectValidationError(
    _ response: APIResponse,
    at location: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == .unprocessableContent, "body: \(response.text)", sourceLocation: sourceLocation)
    let issues = response["detail"]?.array ?? []
    #expect(!issues.isEmpty, "body: \(response.text)", sourceLocation: sourceLocation)
    for issue in issues {
        #expect(issue["loc"]?.array != nil, "body: \(response.text)", sourceLocation: sourceLocation)
        let message = issue["msg"]?.string ?? ""
        let type = issue["type"]?.string ?? ""
        #expect(!message.isEmpty && !type.isEmpty, "body: \(response.text)", sourceLocation: sourceLocation)
    }
    #expect(issues.first?["loc"] == .array(location.map(JSON.string)), "body: \(response.text)", sourceLocation: sourceLocation)
}

/// True for a member that is missing or `null`: how the API writes an optional field that is not set.
func isUnset(_ value: JSON?) -> Bool {
    value == nil || value == .null
}

/// Timestamps are ISO 8601 UTC with milliseconds, e.g. `2026-11-23T07:00:00.123Z`.
func isTimestamp(_ value: JSON?) -> Bool {
    guard let text = value?.string else { return false }
    return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
}

/// Ids are a prefix and 22 base62 characters.
func isIdentifier(_ value: JSON?, prefix: String) -> Bool {
    guard let text = value?.string, text.hasPrefix(prefix) else { return false }
    return text.dropFirst(prefix.count).wholeMatch(of: /[0-9A-Za-z]{22}/) != nil
}

// MARK: - Attempts recorded as the delivery engine would

extension TestAPI {
    /// Records `attempts` in the store, as the delivery engine would after making them (no engine runs here),
    /// each with what it means for its delivery.
    func record(_ attempts: [Attempt], next: DeliveryOutcomes.Recorded.Next) async throws {
        var outcomes = DeliveryOutcomes()
        outcomes.attempts = attempts.map { .init(attempt: $0, next: next) }
        try await store.recordOutcomes(outcomes, now: Date())
    }
}

/// An attempt of `message` to `endpoint` made at `createdAt`, answered with `statusCode` (a success for 2xx).
func makeAttempt(
    app: String,
    message: String,
    endpoint: String,
    at createdAt: Date,
    statusCode: Int = 503,
    response: String = "busy"
) -> Attempt {
    Attempt(
        id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: createdAt.millisecondsSince1970),
        messageID: message,
        endpointID: endpoint,
        applicationID: app,
        url: "https://example.com/hook",
        status: (200..<300).contains(statusCode) ? .success : .fail,
        responseStatusCode: statusCode,
        response: response,
        durationMilliseconds: 12,
        trigger: .scheduled,
        attemptNumber: 1,
        createdAt: createdAt
    )
}
