import HTTPTypes
import HeraldCore
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeraldAPI

/// What a client gets when the database fails under a request: 503 with `Retry-After` when the database cannot serve
/// right now (the store's real errors are classified in HeraldStoreTests' DatabaseFailureTests), 500 otherwise;
/// JSON either way.
@Suite struct DatabaseFailureResponseTests {
    struct Failure: DatabaseFailure {
        var isUnavailable: Bool
        var logDescription: String { "SQLite error 13 (database or disk is full)" }
    }

    static func answer(to failure: Failure) async throws -> APIResponse {
        let router = Router(context: HeraldRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.post("/fails") { _, _ -> Response in throw failure }
        return try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/fails", method: .post) { APIResponse($0) }
        }
    }

    @Test func aDatabaseThatCannotServeIs503WithRetryAfter() async throws {
        let response = try await Self.answer(to: Failure(isUnavailable: true))
        expectError(response, .serviceUnavailable, code: "store_unavailable")
        #expect(response.headers[.retryAfter] == "5")
    }

    @Test func anyOtherDatabaseErrorIs500() async throws {
        let response = try await Self.answer(to: Failure(isUnavailable: false))
        expectError(response, .internalServerError, code: "internal")
        #expect(response.headers[.retryAfter] == nil)
    }
}
