import HTTPTypes

/// An error answered to the client as `{"code": …, "detail": …}` with an HTTP status.
public struct APIError: Error, Sendable, Hashable {
    public let status: HTTPResponse.Status
    public let code: String
    public let detail: String

    public init(status: HTTPResponse.Status, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    public static func badRequest(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", detail: detail)
    }
    public static func unauthorized(_ detail: String) -> APIError {
        APIError(status: .unauthorized, code: "authentication_failed", detail: detail)
    }
    public static func forbidden(_ detail: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", detail: detail)
    }
    public static func notFound(_ detail: String) -> APIError {
        APIError(status: .notFound, code: "not_found", detail: detail)
    }
    public static func conflict(_ detail: String) -> APIError {
        APIError(status: .conflict, code: "conflict", detail: detail)
    }
    public static func payloadTooLarge(_ detail: String) -> APIError {
        APIError(status: .contentTooLarge, code: "payload_too_large", detail: detail)
    }
}

/// Invalid fields, answered with 422 as `{"detail": [{"loc": […], "msg": …, "type": …}]}`.
public struct ValidationError: Error, Sendable, Hashable {
    public struct Issue: Sendable, Hashable, Encodable {
        public var loc: [String]
        public var msg: String
        public var type: String

        public init(loc: [String], msg: String, type: String = "value_error") {
            self.loc = loc
            self.msg = msg
            self.type = type
        }
    }

    public var issues: [Issue]

    public init(_ issues: [Issue]) {
        self.issues = issues
    }

    /// One invalid field; `location` starts with `body`, `query` or `path`.
    public init(_ location: [String], _ message: String, type: String = "value_error") {
        self.issues = [Issue(loc: location, msg: message, type: type)]
    }

    /// The same issues for an object nested in the body at `fields`: `["body", "name"]` becomes
    /// `["body", fields…, "name"]`.
    func nested(under fields: String...) -> ValidationError {
        ValidationError(
            issues.map { issue in
                var issue = issue
                if issue.loc.first == "body" { issue.loc.insert(contentsOf: fields, at: 1) }
                return issue
            })
    }
}
