import Foundation
import HeraldCore
import Testing

@Suite struct TokenBucketTests {
    /// Takes greedily from `start` until `duration` has passed, waiting exactly as long as the bucket asks.
    ///
    /// Also counts the takes refused right after such a wait: there should be none, or callers would wake for nothing.
    private func takeGreedily(
        _ bucket: inout TokenBucket,
        from start: Date,
        for duration: TimeInterval
    ) -> (granted: Int, refusedAfterWaiting: Int) {
        let end = start.addingTimeInterval(duration)
        var now = start
        var granted = 0
        var refusedAfterWaiting = 0
        var waited = false
        var steps = 0
        while now < end, steps < 1_000_000 {
            steps += 1
            let wait = bucket.take(now: now)
            if wait == 0 {
                granted += 1
                waited = false
            } else {
                if waited { refusedAfterWaiting += 1 }
                now = now.addingTimeInterval(wait)
                waited = true
            }
        }
        return (granted, refusedAfterWaiting)
    }

    @Test func grantsTheBurstImmediatelyThenWaitsOneOverRate() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 4, now: policyEpoch)
        for _ in 0..<4 { #expect(bucket.take(now: policyEpoch) == 0) }
        let wait = bucket.take(now: policyEpoch)
        #expect(abs(wait - 0.1) < 1e-9)
        // Asking again changes nothing: a refused take consumes nothing.
        #expect(abs(bucket.take(now: policyEpoch) - 0.1) < 1e-9)
        #expect(bucket.take(now: policyEpoch.addingTimeInterval(wait)) == 0)
        #expect(bucket.take(now: policyEpoch.addingTimeInterval(wait)) > 0)
    }

    @Test func burstDefaultsToOneSecondOfRateAndIsAtLeastOne() {
        #expect(TokenBucket(ratePerSecond: 50, now: policyEpoch).burst == 50)
        #expect(TokenBucket(ratePerSecond: 0.5, now: policyEpoch).burst == 1)
        #expect(TokenBucket(ratePerSecond: 5, burst: 0, now: policyEpoch).burst == 1)
    }

    @Test func partialWaitIsTheTimeToTheNextWholeToken() {
        var bucket = TokenBucket(ratePerSecond: 4, burst: 1, now: policyEpoch)
        #expect(bucket.take(now: policyEpoch) == 0)
        let wait = bucket.take(now: policyEpoch.addingTimeInterval(0.1))
        #expect(abs(wait - 0.15) < 1e-6)
    }

    @Test func longIdleDoesNotExceedTheBurst() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 3, now: policyEpoch)
        let muchLater = policyEpoch.addingTimeInterval(86_400)
        #expect(bucket.availableTokens(now: muchLater) == 3)
        for _ in 0..<3 { #expect(bucket.take(now: muchLater) == 0) }
        #expect(bucket.take(now: muchLater) > 0)
    }

    @Test func grantsRateTimesDurationWhenTakenGreedily() {
        var bucket = TokenBucket(ratePerSecond: 50, burst: 1, now: policyEpoch)
        let result = takeGreedily(&bucket, from: policyEpoch, for: 10)
        #expect((499...501).contains(result.granted))
        #expect(result.refusedAfterWaiting == 0)
    }

    @Test func greedyTakingGetsTheBurstPlusRateTimesDuration() {
        var bucket = TokenBucket(ratePerSecond: 50, now: policyEpoch)
        let result = takeGreedily(&bucket, from: policyEpoch, for: 10)
        #expect((549...551).contains(result.granted))
        #expect(result.refusedAfterWaiting == 0)
    }

    @Test(arguments: [0.3, 7, 333, 1_000, 2_500])
    func waitingTheReturnedTimeAlwaysGrantsAToken(rate: Double) {
        for start in [policyEpoch, Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: 12.345)] {
            var bucket = TokenBucket(ratePerSecond: rate, burst: 1, now: start)
            let duration = 2_000 / rate
            let result = takeGreedily(&bucket, from: start, for: duration)
            #expect((1_999...2_001).contains(result.granted))
            #expect(result.refusedAfterWaiting == 0)
        }
    }

    @Test func lowerRateLengthensTheWait() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 1, now: policyEpoch)
        #expect(bucket.take(now: policyEpoch) == 0)
        bucket.setRate(2, now: policyEpoch)
        #expect(bucket.ratePerSecond == 2)
        #expect(bucket.burst == 2)
        #expect(abs(bucket.take(now: policyEpoch) - 0.5) < 1e-9)
    }

    @Test func rateChangeKeepsAccruedTokensUpToTheNewBurst() {
        var bucket = TokenBucket(ratePerSecond: 100, now: policyEpoch)
        bucket.setRate(5, now: policyEpoch.addingTimeInterval(1))
        #expect(bucket.availableTokens(now: policyEpoch.addingTimeInterval(1)) == 5)
        for _ in 0..<5 { #expect(bucket.take(now: policyEpoch.addingTimeInterval(1)) == 0) }
        let wait = bucket.take(now: policyEpoch.addingTimeInterval(1))
        #expect(abs(wait - 0.2) < 1e-9)
    }

    @Test func higherRateRefillsFasterFromTheChangeOn() {
        var bucket = TokenBucket(ratePerSecond: 1, burst: 1, now: policyEpoch)
        #expect(bucket.take(now: policyEpoch) == 0)
        bucket.setRate(100, burst: 1, now: policyEpoch.addingTimeInterval(0.5))
        // Half a token accrued at the old rate; the other half takes 5 ms at the new one.
        let wait = bucket.take(now: policyEpoch.addingTimeInterval(0.5))
        #expect(abs(wait - 0.005) < 1e-6)
    }

    @Test func zeroOrInvalidRateIsClampedSoTheWaitStaysFinite() {
        for rate in [0, -5, Double.nan, Double.infinity] {
            var bucket = TokenBucket(ratePerSecond: rate, now: policyEpoch)
            #expect(TokenBucket.rateRange.contains(bucket.ratePerSecond))
            var wait = 0.0
            for _ in 0..<10 where wait == 0 { wait = bucket.take(now: policyEpoch) }
            #expect(wait.isFinite)
        }
    }

    @Test func clockSteppingBackwardsAddsNoTokens() {
        var bucket = TokenBucket(ratePerSecond: 1, burst: 1, now: policyEpoch)
        #expect(bucket.take(now: policyEpoch) == 0)
        #expect(bucket.take(now: policyEpoch.addingTimeInterval(-60)) > 0)
        #expect(bucket.availableTokens(now: policyEpoch.addingTimeInterval(-60)) == 0)
    }
}
