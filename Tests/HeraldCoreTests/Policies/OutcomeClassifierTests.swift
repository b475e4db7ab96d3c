import Foundation
import HeraldCore
import Testing

@Suite struct OutcomeClassifierTests {
    private func classify(_ status: Int, retryAfter: String? = nil, error: AttemptErrorKind? = nil)
        -> OutcomeClassification
    {
        let result = AttemptResult(statusCode: status, errorKind: error, retryAfterHeader: retryAfter)
        return OutcomeClassifier.classify(result, now: policyEpoch, maximumRetryAfter: 3_600)
    }

    @Test(arguments: [200, 201, 202, 204, 299])
    func twoHundredsSucceed(status: Int) {
        #expect(classify(status) == .success)
    }

    @Test(arguments: [100, 199, 300, 301, 302, 304, 307, 308, 400, 401, 403, 404, 408, 409, 413, 422, 500, 502, 504, 0])
    func otherStatusesFailWithoutADelay(status: Int) {
        #expect(classify(status) == .failure(retryAfter: nil))
    }

    @Test func goneStopsTheDelivery() {
        #expect(classify(410) == .gone)
        #expect(classify(410, retryAfter: "60") == .gone)
    }

    @Test func tooManyRequestsUsesRetryAfter() {
        #expect(classify(429, retryAfter: "120") == .failure(retryAfter: 120))
        #expect(classify(429) == .failure(retryAfter: nil))
        #expect(classify(429, retryAfter: "later") == .failure(retryAfter: nil))
    }

    @Test func retryAfterIsCappedAtTheMaximum() {
        #expect(classify(429, retryAfter: "86400") == .failure(retryAfter: 3_600))
    }

    @Test func serviceUnavailableReadsAnHTTPDate() {
        // Five minutes after policyEpoch (Sun, 15 Jun 2025 15:06:40 GMT).
        #expect(classify(503, retryAfter: "Sun, 15 Jun 2025 15:11:40 GMT") == .failure(retryAfter: 300))
        #expect(classify(503) == .failure(retryAfter: nil))
    }

    @Test func retryAfterOnOtherStatusesIsIgnored() {
        #expect(classify(500, retryAfter: "120") == .failure(retryAfter: nil))
        #expect(classify(301, retryAfter: "120") == .failure(retryAfter: nil))
    }

    @Test(arguments: AttemptErrorKind.allCases)
    func everyErrorKindIsAFailure(kind: AttemptErrorKind) {
        #expect(classify(0, error: kind) == .failure(retryAfter: nil))
        // An error after a response head (say, an overlong body) still fails the attempt.
        #expect(classify(200, error: kind) == .failure(retryAfter: nil))
    }

    @Test func errorKindRawValuesAreStable() {
        let rawValues = AttemptErrorKind.allCases.map(\.rawValue)
        #expect(
            rawValues == [
                "timeout", "connect_refused", "dns_failure", "tls_failure", "blocked_address", "connection_reset",
                "invalid_response", "proxy_failure", "other",
            ]
        )
    }
}
