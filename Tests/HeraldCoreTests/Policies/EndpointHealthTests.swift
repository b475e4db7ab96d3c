import Foundation
import HeraldCore
import Testing

@Suite struct EndpointHealthTests {
    private let day: TimeInterval = 86_400

    @Test func newEndpointIsHealthy() {
        let health = EndpointHealth()
        #expect(health.lastSuccessAt == nil)
        #expect(health.failingSince == nil)
        #expect(!health.shouldDisable(now: policyEpoch.addingTimeInterval(365 * day)))
    }

    @Test func failingPeriodStartsAtTheFirstFailure() {
        var health = EndpointHealth()
        health.recordFailure(now: policyEpoch)
        health.recordFailure(now: policyEpoch.addingTimeInterval(day))
        #expect(health.failingSince == policyEpoch)
    }

    @Test func disablesAfterFiveDaysOfFailuresByDefault() {
        var health = EndpointHealth()
        health.recordFailure(now: policyEpoch)
        #expect(EndpointHealth.defaultDisableAfter == 5 * day)
        #expect(!health.shouldDisable(now: policyEpoch.addingTimeInterval(5 * day - 1)))
        #expect(health.shouldDisable(now: policyEpoch.addingTimeInterval(5 * day)))
        #expect(health.shouldDisable(now: policyEpoch.addingTimeInterval(2 * day), after: day))
    }

    @Test func successEndsTheFailingPeriod() {
        var health = EndpointHealth()
        health.recordFailure(now: policyEpoch)
        let recovered = policyEpoch.addingTimeInterval(4 * day)
        health.recordSuccess(now: recovered)
        #expect(health.failingSince == nil)
        #expect(health.lastSuccessAt == recovered)
        #expect(!health.shouldDisable(now: policyEpoch.addingTimeInterval(6 * day)))
        health.recordFailure(now: policyEpoch.addingTimeInterval(5 * day))
        #expect(health.failingSince == policyEpoch.addingTimeInterval(5 * day))
        #expect(!health.shouldDisable(now: policyEpoch.addingTimeInterval(9 * day)))
        #expect(health.shouldDisable(now: policyEpoch.addingTimeInterval(10 * day)))
    }
}
