import Foundation
import HeraldCore
import Testing

@Suite struct CircuitBreakerTests {
    private let configuration = CircuitBreaker.Configuration(failureThreshold: 3, cooldown: 30, maximumCooldown: 100)

    private func opened(at now: Date) -> CircuitBreaker {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { breaker.recordFailure(now: now) }
        return breaker
    }

    @Test func defaultsAreFiveFailuresThirtySecondsAndTenMinutes() {
        let breaker = CircuitBreaker(configuration: .init())
        #expect(breaker.configuration.failureThreshold == 5)
        #expect(breaker.configuration.cooldown == 30)
        #expect(breaker.configuration.maximumCooldown == 600)
        #expect(breaker.state == .closed)
        #expect(breaker.currentCooldown == 30)
    }

    @Test func stateRawValuesAreStable() {
        #expect(CircuitBreaker.State.closed.rawValue == "closed")
        #expect(CircuitBreaker.State.open.rawValue == "open")
        #expect(CircuitBreaker.State.halfOpen.rawValue == "halfOpen")
    }

    @Test func opensAfterExactlyThresholdConsecutiveFailures() {
        var breaker = CircuitBreaker(configuration: configuration)
        breaker.recordFailure(now: policyEpoch)
        breaker.recordFailure(now: policyEpoch)
        #expect(breaker.state == .closed)
        #expect(breaker.permit(now: policyEpoch) == true)
        breaker.recordFailure(now: policyEpoch)
        #expect(breaker.state == .open)
        #expect(breaker.consecutiveFailures == 3)
        #expect(breaker.openUntil == policyEpoch.addingTimeInterval(30))
        #expect(breaker.reopensAt() == policyEpoch.addingTimeInterval(30))
    }

    @Test func successInBetweenResetsTheFailureCount() {
        var breaker = CircuitBreaker(configuration: configuration)
        breaker.recordFailure(now: policyEpoch)
        breaker.recordFailure(now: policyEpoch)
        breaker.recordSuccess(now: policyEpoch)
        breaker.recordFailure(now: policyEpoch)
        breaker.recordFailure(now: policyEpoch)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
    }

    @Test func noPermitsWhileOpen() {
        var breaker = opened(at: policyEpoch)
        for offset in [0.0, 1, 15, 29.999] {
            #expect(breaker.permit(now: policyEpoch.addingTimeInterval(offset)) == false)
        }
        #expect(breaker.state == .open)
        #expect(breaker.observableState == .open)
    }

    @Test func exactlyOneProbeAfterTheCooldown() {
        var breaker = opened(at: policyEpoch)
        let later = policyEpoch.addingTimeInterval(30)
        #expect(breaker.observableState == .open)
        #expect(breaker.permit(now: later) == true)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.observableState == .halfOpen)
        #expect(breaker.probeInFlight)
        #expect(breaker.reopensAt() == nil)
        #expect(breaker.permit(now: later) == false)
        #expect(breaker.permit(now: later.addingTimeInterval(3_600)) == false)
    }

    @Test func failedProbeDoublesTheCooldownUpToTheMaximum() {
        var breaker = opened(at: policyEpoch)
        var now = policyEpoch
        var cooldowns: [TimeInterval] = []
        for _ in 0..<4 {
            now = breaker.openUntil ?? now
            #expect(breaker.permit(now: now) == true)
            breaker.recordFailure(now: now)
            #expect(breaker.state == .open)
            #expect(!breaker.probeInFlight)
            #expect(breaker.openUntil == now.addingTimeInterval(breaker.currentCooldown))
            cooldowns.append(breaker.currentCooldown)
        }
        #expect(cooldowns == [60, 100, 100, 100])
    }

    @Test func successfulProbeClosesAndResets() {
        var breaker = opened(at: policyEpoch)
        let probeTime = policyEpoch.addingTimeInterval(30)
        #expect(breaker.permit(now: probeTime) == true)
        breaker.recordFailure(now: probeTime)
        #expect(breaker.currentCooldown == 60)
        let secondProbe = probeTime.addingTimeInterval(60)
        #expect(breaker.permit(now: secondProbe) == true)
        breaker.recordSuccess(now: secondProbe)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.currentCooldown == 30)
        #expect(breaker.openUntil == nil)
        #expect(!breaker.probeInFlight)
        #expect(breaker.permit(now: secondProbe) == true)
        #expect(breaker.permit(now: secondProbe) == true)
    }

    @Test func afterClosingItTakesTheFullThresholdToOpenAgain() {
        var breaker = opened(at: policyEpoch)
        let probeTime = policyEpoch.addingTimeInterval(30)
        #expect(breaker.permit(now: probeTime) == true)
        breaker.recordSuccess(now: probeTime)
        breaker.recordFailure(now: probeTime)
        breaker.recordFailure(now: probeTime)
        #expect(breaker.state == .closed)
        breaker.recordFailure(now: probeTime)
        #expect(breaker.state == .open)
        #expect(breaker.currentCooldown == 30)
    }

    @Test func releasedProbeCanBeGrantedAgain() {
        var breaker = opened(at: policyEpoch)
        let later = policyEpoch.addingTimeInterval(31)
        #expect(breaker.permit(now: later) == true)
        #expect(breaker.permit(now: later) == false)
        breaker.releaseProbe()
        #expect(!breaker.probeInFlight)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.permit(now: later) == true)
        #expect(breaker.permit(now: later) == false)
    }

    @Test func releaseProbeDoesNothingWhenNoProbeWasGranted() {
        var breaker = opened(at: policyEpoch)
        breaker.releaseProbe()
        #expect(breaker.state == .open)
        #expect(breaker.permit(now: policyEpoch) == false)
    }

    @Test func lateFailureWhileOpenDoesNotExtendTheCooldown() {
        var breaker = opened(at: policyEpoch)
        breaker.recordFailure(now: policyEpoch.addingTimeInterval(10))
        #expect(breaker.openUntil == policyEpoch.addingTimeInterval(30))
        #expect(breaker.consecutiveFailures == 4)
    }

    @Test func codableRoundTripKeepsTheState() throws {
        var breaker = opened(at: policyEpoch)
        _ = breaker.permit(now: policyEpoch.addingTimeInterval(30))
        let data = try JSONEncoder().encode(breaker)
        #expect(try JSONDecoder().decode(CircuitBreaker.self, from: data) == breaker)
    }
}
