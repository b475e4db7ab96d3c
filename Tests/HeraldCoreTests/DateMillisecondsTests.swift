import Foundation
import HeraldCore
import Testing

@Suite struct DateMillisecondsTests {
    /// Stored instants are whole milliseconds; turning one back into a `Date` and again into milliseconds must not
    /// lose one to rounding (plain `floor(timeIntervalSince1970 * 1000)` does for many of them).
    @Test func wholeMillisecondsSurviveTheRoundTripThroughDate() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, 1, 999, -1, -999, 1_764_460_800_123, 4_102_444_800_001]
        samples += (0..<20_000).map { _ in Int64.random(in: -2_000_000_000_000...7_000_000_000_000, using: &generator) }
        let lost = samples.filter { Date(timeIntervalSince1970: Double($0) / 1000).millisecondsSince1970 != $0 }
        #expect(lost.isEmpty, "\(lost.prefix(5))")
    }

    @Test func partsOfAMillisecondRoundDown() {
        #expect(Date(timeIntervalSince1970: 0.0005).millisecondsSince1970 == 0)
        #expect(Date(timeIntervalSince1970: 1.9996).millisecondsSince1970 == 1999)
        #expect(Date(timeIntervalSince1970: -0.0005).millisecondsSince1970 == -1)
    }
}
