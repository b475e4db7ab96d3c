import Foundation
import HeraldCore
import Testing

@Suite struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT.
    private let rfcExample = Date(timeIntervalSince1970: 784_111_777)

    @Test(arguments: [("120", 120.0), ("0", 0), (" 30 ", 30), ("007", 7)])
    func readsDeltaSeconds(header: String, seconds: TimeInterval) {
        #expect(RetryAfter.delay(fromHeader: header, now: policyEpoch, maximum: 3_600) == seconds)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:50:37 GMT",
        "Sunday, 06-Nov-94 08:50:37 GMT",
        "Sun Nov  6 08:50:37 1994",
    ])
    func readsEachHTTPDateForm(header: String) {
        let now = rfcExample
        #expect(RetryAfter.delay(fromHeader: header, now: now, maximum: 3_600) == 60)
    }

    @Test func readsAnIMFFixdateNearThePresent() {
        // 2025-06-15T15:06:40Z is policyEpoch; this is ten minutes later.
        let delay = RetryAfter.delay(fromHeader: "Sun, 15 Jun 2025 15:16:40 GMT", now: policyEpoch, maximum: 3_600)
        #expect(delay == 600)
    }

    @Test func dateOnALeapDayIsRead() {
        let now = Date(timeIntervalSince1970: 951_782_400)  // 2000-02-29T00:00:00Z
        #expect(RetryAfter.delay(fromHeader: "Tue, 29 Feb 2000 00:00:05 GMT", now: now, maximum: 60) == 5)
    }

    @Test func dateInThePastMeansNoWait() {
        let delay = RetryAfter.delay(fromHeader: "Sun, 06 Nov 1994 08:49:37 GMT", now: policyEpoch, maximum: 3_600)
        #expect(delay == 0)
    }

    @Test func delayIsCappedAtTheMaximum() {
        #expect(RetryAfter.delay(fromHeader: "86400", now: policyEpoch, maximum: 600) == 600)
        #expect(RetryAfter.delay(fromHeader: "99999999999999999999999", now: policyEpoch, maximum: 600) == 600)
        let farDate = "Fri, 31 Dec 2100 23:59:59 GMT"
        #expect(RetryAfter.delay(fromHeader: farDate, now: policyEpoch, maximum: 600) == 600)
    }

    @Test(arguments: [
        "", "soon", "-5", "1.5", "+5", "5s", "0x10",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37",
        "2025-06-15T15:16:40Z",
    ])
    func garbageIsNotRead(header: String) {
        #expect(RetryAfter.delay(fromHeader: header, now: policyEpoch, maximum: 3_600) == nil)
    }

    @Test func twoDigitYearsMoreThanFiftyYearsAheadAreLastCentury() {
        let now = Date(timeIntervalSince1970: 1_750_000_000)  // 2025
        // 30 → 2030, in five years; 94 → 1994, in the past.
        let soon = RetryAfter.delay(fromHeader: "Tuesday, 01-Jan-30 00:00:00 GMT", now: now, maximum: .infinity)
        #expect(soon.map { $0 > 4 * 365 * 86_400 && $0 < 5 * 366 * 86_400 } == true)
        #expect(RetryAfter.delay(fromHeader: "Sunday, 06-Nov-94 08:49:37 GMT", now: now, maximum: .infinity) == 0)
    }
}
