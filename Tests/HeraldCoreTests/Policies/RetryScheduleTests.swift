import Foundation
import HeraldCore
import Testing

@Suite struct RetryScheduleTests {
    @Test func standardScheduleIsFiveSecondsToTenHours() {
        #expect(RetrySchedule.standard.delays == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])
        #expect(RetrySchedule.standard.description == "5s,5m,30m,2h,5h,10h,10h")
        #expect(RetrySchedule.standard.maximumAttempts == 8)
    }

    @Test func parsesEveryUnitWithOptionalSpaces() throws {
        let schedule = try RetrySchedule(parsing: "50ms, 1.5s,5m ,  2h,0s, 0.25h, 3 s")
        #expect(schedule.delays == [0.05, 1.5, 300, 7_200, 0, 900, 3])
    }

    @Test func parsedDelaysAreKeptToTheMillisecond() throws {
        #expect(try RetrySchedule(parsing: "0.0004s,1.0006s").delays == [0, 1.001])
    }

    @Test(arguments: [
        ("5s,5x,5m", "5x"),
        ("5s,5", "5"),
        ("5s,-5s", "-5s"),
        ("nan", "nan"),
        ("5s,nans", "nans"),
        ("1e3s", "1e3s"),
        ("1.2.3s", "1.2.3s"),
        ("five s", "five s"),
        ("5s, 8d", "8d"),
        ("5s,5sec", "5sec"),
        ("169h", "169h"),
        ("7.5d", "7.5d"),
        ("99999999999999999999999h", "99999999999999999999999h"),
    ])
    func rejectsBadElementNamingIt(text: String, bad: String) {
        #expect {
            try RetrySchedule(parsing: text)
        } throws: { error in
            guard let error = error as? RetryScheduleError else { return false }
            return error.element == bad && error.description.contains("\"\(bad)\"")
        }
    }

    @Test func acceptsExactlySevenDays() throws {
        #expect(try RetrySchedule(parsing: "168h,604800s").delays == [604_800, 604_800])
    }

    @Test(arguments: ["", "   ", ","])
    func rejectsAnEmptyList(text: String) {
        #expect(throws: RetryScheduleError.self) { try RetrySchedule(parsing: text) }
    }

    @Test func rejectsAnEmptyElementNamingItsPosition() {
        #expect {
            try RetrySchedule(parsing: "5s,,5m")
        } throws: { error in
            (error as? RetryScheduleError)?.description.contains("element 2") == true
        }
    }

    @Test func acceptsFiftyDelaysButNotFiftyOne() throws {
        let fifty = Array(repeating: "1s", count: 50).joined(separator: ",")
        #expect(try RetrySchedule(parsing: fifty).delays.count == 50)
        #expect {
            try RetrySchedule(parsing: fifty + ",1s")
        } throws: { error in
            (error as? RetryScheduleError)?.description.contains("51") == true
        }
    }

    @Test(arguments: ["5s,5m,30m,2h", "50ms,1500ms,0s,59s,61s,90m,25h", "0.001s,2.5m,1.25h"])
    func descriptionParsesBackToTheSameSchedule(text: String) throws {
        let schedule = try RetrySchedule(parsing: text)
        #expect(try RetrySchedule(parsing: schedule.description) == schedule)
    }

    @Test func descriptionUsesTheLargestWholeUnitAndMillisecondsOtherwise() {
        let schedule = RetrySchedule(delays: [5, 300, 1_800, 7_200, 1.5, 0.05, 90, 5_400, 0])
        #expect(schedule.description == "5s,5m,30m,2h,1500ms,50ms,90s,90m,0s")
    }

    @Test func jitterStaysWithinTwentyPercentAndVaries() {
        var generator = SplitMix64(seed: 42)
        let schedule = RetrySchedule(delays: [100])
        var seen = Set<TimeInterval>()
        var lowest = TimeInterval.infinity
        var highest = -TimeInterval.infinity
        for _ in 0..<10_000 {
            let next = schedule.nextAttempt(after: 1, now: policyEpoch, using: &generator)
            let delay = next.map { $0.timeIntervalSince(policyEpoch) } ?? .nan
            lowest = min(lowest, delay)
            highest = max(highest, delay)
            seen.insert(delay)
        }
        #expect(lowest >= 80 - 1e-6)
        #expect(highest <= 120 + 1e-6)
        // Spread over the whole band, not stuck near one value.
        #expect(lowest < 82)
        #expect(highest > 118)
        #expect(seen.count > 9_000)
    }

    @Test func eachAttemptUsesItsOwnDelay() {
        var generator = SplitMix64(seed: 7)
        let schedule = RetrySchedule(delays: [10, 1_000])
        let afterFirst = schedule.nextAttempt(after: 1, now: policyEpoch, using: &generator)
        let afterSecond = schedule.nextAttempt(after: 2, now: policyEpoch, using: &generator)
        #expect(afterFirst.map { $0.timeIntervalSince(policyEpoch) }.map { (8...12).contains($0) } == true)
        #expect(afterSecond.map { $0.timeIntervalSince(policyEpoch) }.map { (800...1_200).contains($0) } == true)
    }

    @Test func exhaustedAfterTheLastDelay() {
        var generator = SplitMix64(seed: 1)
        let schedule = RetrySchedule(delays: [5, 300, 1_800])
        #expect(schedule.maximumAttempts == 4)
        #expect(schedule.nextAttempt(after: 3, now: policyEpoch, using: &generator) != nil)
        #expect(schedule.nextAttempt(after: 4, now: policyEpoch, using: &generator) == nil)
        #expect(schedule.nextAttempt(after: 50, now: policyEpoch, using: &generator) == nil)
    }

    @Test func beforeAnyAttemptTheNextIsImmediate() {
        var generator = SplitMix64(seed: 1)
        #expect(RetrySchedule.standard.nextAttempt(after: 0, now: policyEpoch, using: &generator) == policyEpoch)
    }

    @Test func emptyScheduleAllowsOneAttempt() {
        var generator = SplitMix64(seed: 1)
        let schedule = RetrySchedule(delays: [])
        #expect(schedule.maximumAttempts == 1)
        #expect(schedule.nextAttempt(after: 1, now: policyEpoch, using: &generator) == nil)
    }

    @Test func codableRoundTripKeepsTheDelays() throws {
        let data = try JSONEncoder().encode(RetrySchedule.standard)
        #expect(try JSONDecoder().decode(RetrySchedule.self, from: data) == .standard)
    }
}
