import HTTPTypes
import Testing

/// A request and where its 422 should point.
struct InvalidRequest: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var path: String
    var body: String?
    var location: [String]

    init(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, at location: String...) {
        (self.method, self.path, self.body, self.location) = (method, path, body, location)
    }

    var testDescription: String { "\(method) \(path) \(body ?? "")" }
}

/// A request that is wrong in some odd way; whatever the answer, it is not a server error.
struct OddRequest: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var path: String
    var body: String?

    init(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) {
        (self.method, self.path, self.body) = (method, path, body)
    }

    var testDescription: String { "\(method) \(path) \(body ?? "")" }
}

/// Requests with invalid fields are refused with 422 naming the field, and odd requests never cause a 500.
@Suite struct InvalidRequestTests {
    static let invalidRequests: [InvalidRequest] = [
        InvalidRequest(.post, "/api/v1/app", "{}", at: "body", "name"),
        InvalidRequest(.post, "/api/v1/app", #"{"name":5}"#, at: "body", "name"),
        InvalidRequest(.post, "/api/v1/app", #"{"name":"   "}"#, at: "body", "name"),
        InvalidRequest(.post, "/api/v1/app", #"{"name":"A","uid":"has space"}"#, at: "body", "uid"),
        InvalidRequest(.post, "/api/v1/app", #"{"name":"A","throttleRate":0}"#, at: "body", "throttleRate"),
        InvalidRequest(.post, "/api/v1/app", #"{"name":"A","metadata":{"k":1}}"#, at: "body", "metadata", "k"),
        InvalidRequest(.put, "/api/v1/app/acme", #"{"name":""}"#, at: "body", "name"),
        InvalidRequest(.patch, "/api/v1/app/acme", #"{"throttleRate":0}"#, at: "body", "throttleRate"),
        InvalidRequest(.patch, "/api/v1/app/acme", #"{"uid":"a b"}"#, at: "body", "uid"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", "{}", at: "body", "url"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", #"{"url":"ftp://e.com"}"#, at: "body", "url"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", #"{"url":"not a url"}"#, at: "body", "url"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", #"{"url":"https://e.com","eventTypes":[]}"#, at: "body", "eventTypes"),
        InvalidRequest(
            .post, "/api/v1/app/acme/endpoint", #"{"url":"https://e.com","throttleRate":0}"#, at: "body", "throttleRate"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", #"{"url":"https://e.com","uid":"a b"}"#, at: "body", "uid"),
        InvalidRequest(
            .post, "/api/v1/app/acme/endpoint", #"{"url":"https://e.com","channels":["a b"]}"#, at: "body", "channels", "0"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", #"{"url":"https://e.com","secret":"nope"}"#, at: "body", "secret"),
        InvalidRequest(
            .put, "/api/v1/app/acme/endpoint/hook", #"{"url":"https://e.com","eventTypes":[]}"#, at: "body", "eventTypes"),
        InvalidRequest(.patch, "/api/v1/app/acme/endpoint/hook", #"{"eventTypes":[]}"#, at: "body", "eventTypes"),
        InvalidRequest(.patch, "/api/v1/app/acme/endpoint/hook", #"{"url":"//e.com"}"#, at: "body", "url"),
        InvalidRequest(
            .put, "/api/v1/app/acme/endpoint/hook/headers", #"{"headers":{"X-A":"a\nb"}}"#, at: "body", "headers", "X-A"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":[1]}"#, at: "body", "payload"),
        InvalidRequest(
            .post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":{},"eventId":"e\u0007"}"#, at: "body", "eventId"),
        // No text field takes a NUL (PostgreSQL cannot store one); only a message's payload may carry it.
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":{},"eventId":"e\u0000"}"#, at: "body"),
        InvalidRequest(.post, "/api/v1/app", #"{"name":"A\u0000"}"#, at: "body"),
        InvalidRequest(.post, "/api/v1/app/acme/endpoint", #"{"url":"https://e.com","description":"\u0000"}"#, at: "body"),
        InvalidRequest(.post, "/api/v1/event-type", #"{"name":"a.b","description":"x\u0000"}"#, at: "body"),
        InvalidRequest(.patch, "/api/v1/app/acme", #"{"metadata":{"k\u0000":"v"}}"#, at: "body"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":"x"}"#, at: "body", "payload"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a"}"#, at: "body", "payload"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"payload":{}}"#, at: "body", "eventType"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a b","payload":{}}"#, at: "body", "eventType"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"café","payload":{}}"#, at: "body", "eventType"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a\r\nb","payload":{}}"#, at: "body", "eventType"),
        InvalidRequest(
            .post, "/api/v1/app/acme/msg", "{\"eventType\":\"\(String(repeating: "a", count: 257))\",\"payload\":{}}",
            at: "body", "eventType"),
        InvalidRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":{},"channels":[]}"#, at: "body", "channels"),
        InvalidRequest(
            .post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":{},"payloadRetentionPeriod":0}"#,
            at: "body", "payloadRetentionPeriod"
        ),
        InvalidRequest(.get, "/api/v1/app/acme/msg?with_content=maybe", at: "query", "with_content"),
        InvalidRequest(.get, "/api/v1/app?order=sideways", at: "query", "order"),
        InvalidRequest(.get, "/api/v1/app?limit=ten", at: "query", "limit"),
        InvalidRequest(.get, "/api/v1/app/acme/msg?channel=%00", at: "query", "channel"),
        InvalidRequest(.get, "/api/v1/app/acme/attempt/endpoint/hook?event_types=a%00", at: "query", "event_types"),
    ]

    @Test(arguments: invalidRequests)
    func invalidFieldsAre422NamingTheField(_ invalid: InvalidRequest) async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            _ = try await api.createEndpoint(app: app, #"{"url":"https://e.com","uid":"hook","eventTypes":["a"]}"#)
            expectValidationError(try await api.request(invalid.method, invalid.path, invalid.body), at: invalid.location)
            #expect(try await api.get("/api/v1/app").data.count == 1)
            #expect(try await api.get("/api/v1/app/acme/msg").data.isEmpty)
            let endpoint = try await api.get("/api/v1/app/acme/endpoint/hook")
            #expect(endpoint["eventTypes"] == ["a"])
            #expect(endpoint["url"] == "https://e.com")
        }
    }

    static let oddRequests: [OddRequest] = [
        OddRequest(.post, "/api/v1/app", "null"),
        OddRequest(.post, "/api/v1/app", "[]"),
        OddRequest(.post, "/api/v1/app", #""name""#),
        OddRequest(.post, "/api/v1/app", #"{"name":null}"#),
        OddRequest(.post, "/api/v1/app", #"{"name":"A"} trailing"#),
        OddRequest(.post, "/api/v1/app", #"{"name":"A","name":"B"}"#),
        OddRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":{"n":1e400}}"#),
        OddRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":"# + String(repeating: "[", count: 1500)),
        OddRequest(
            .post, "/api/v1/app/acme/msg",
            #"{"eventType":"a","payload":{"a":"# + String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
                + "}}"
        ),
        OddRequest(.post, "/api/v1/app/acme/msg", #"{"eventType":"a","payload":{},"payload":[1]}"#),
        OddRequest(.post, "/api/v1/app/acme/endpoint/hook/secret/rotate", "[]"),
        OddRequest(.put, "/api/v1/app/acme/endpoint/hook/headers", #"{"headers":{"bad name":"x"}}"#),
        OddRequest(.patch, "/api/v1/app/acme/endpoint/hook/headers", #"{"headers":{}, "deleteHeaders":"x"}"#),
        OddRequest(.get, "/api/v1/app?limit=99999999999999999999999"),
        OddRequest(.get, "/api/v1/app?iterator=-"),
        OddRequest(.get, "/api/v1/app?iterator=%00%27"),
        OddRequest(.get, "/api/v1/app/acme/msg?before=9999-99-99T99:99:99Z"),
        OddRequest(.get, "/api/v1/app/acme/msg?event_types=,,&channel="),
        OddRequest(.delete, "/api/v1/app"),
        OddRequest(.post, "/api/v1/health", "{}"),
    ]

    @Test(arguments: oddRequests)
    func oddRequestsNeverCauseAServerError(_ odd: OddRequest) async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            _ = try await api.createEndpoint(app: app, #"{"url":"https://e.com","uid":"hook"}"#)
            let response = try await api.request(odd.method, odd.path, odd.body)
            #expect(response.status.code < 500, "body: \(response.text)")
            if response.status.code >= 400 {
                #expect(response["detail"] != nil, "body: \(response.text)")
                if response.status != .unprocessableContent {
                    #expect(response["code"]?.string != nil, "body: \(response.text)")
                }
            }
        }
    }
}
