import HTTPTypes
import HeraldCore
import Hummingbird
import Logging

/// Turns every error into a JSON response: the one place where errors become HTTP statuses.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, logger: context.logger)
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as APIError:
            return errorResponse(error)
        case let error as ValidationError:
            return (try? JSONCoding.response(ValidationBody(detail: error.issues), status: .unprocessableContent))
                ?? Response(status: .unprocessableContent)
        case let error as HeraldError where error.isNotFound:
            return errorResponse(.notFound(error.detail))
        case let error as HeraldError where error.isConflict:
            return errorResponse(.conflict(error.detail))
        case let error as HeraldError:
            return errorResponse(APIError(status: .gone, code: "gone", detail: error.detail))
        case let error as HTTPError:
            return errorResponse(translate(error))
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return errorResponse(.payloadTooLarge("The request body is too large"))
        case let failure as any DatabaseFailure where failure.isUnavailable:
            logger.error("The database cannot serve the request", metadata: ["error": "\(failure.logDescription)"])
            var response = errorResponse(
                APIError(
                    status: .serviceUnavailable, code: "store_unavailable",
                    detail: "The database is unavailable (busy, out of space or unreachable); retry later"))
            response.headers[.retryAfter] = "5"
            return response
        default:
            var metadata: Logger.Metadata = ["error": "\(String(reflecting: type(of: error)))"]
            if let failure = error as? any DatabaseFailure { metadata["detail"] = "\(failure.logDescription)" }
            logger.error("Unexpected error answering a request", metadata: metadata)
            return errorResponse(APIError(status: .internalServerError, code: "internal", detail: "Internal error"))
        }
    }

    private static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: .notFound("No such route")
        case .methodNotAllowed: APIError(status: .methodNotAllowed, code: "method_not_allowed", detail: "Method not allowed")
        case .contentTooLarge: .payloadTooLarge("The request body is too large")
        case .badRequest: .badRequest(error.body ?? "Bad request")
        default: APIError(status: error.status, code: "http_error", detail: error.body ?? error.status.reasonPhrase)
        }
    }

    private static func errorResponse(_ error: APIError) -> Response {
        (try? JSONCoding.response(ErrorBody(code: error.code, detail: error.detail), status: error.status))
            ?? Response(status: error.status)
    }

    private struct ErrorBody: Encodable {
        var code: String
        var detail: String
    }

    private struct ValidationBody: Encodable {
        var detail: [ValidationError.Issue]
    }
}
