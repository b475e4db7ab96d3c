import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct AttemptStatsStoreTests {
    @Test(arguments: StoreKind.allCases)
    func anEndpointsAttemptsAreCountedByOutcomeInTheWindow(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let endpoint = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let other = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let message = try await store.createMessage(application: app.id, makeMessage(), now: fixedNow)
            var outcomes = DeliveryOutcomes()
            let attempts: [(Endpoint, DeliveryStatus, TimeInterval)] = [
                (endpoint, .fail, 10), (endpoint, .fail, 20), (endpoint, .success, 30), (endpoint, .success, 5_000),
                (other, .success, 10),
            ]
            for (target, status, offset) in attempts {
                let at = fixedNow.addingTimeInterval(offset)
                let attempt = Attempt(
                    id: Identifier.make(prefix: Identifier.attemptPrefix, milliseconds: at.millisecondsSince1970),
                    messageID: message.id, endpointID: target.id, applicationID: app.id, url: target.url,
                    status: status, responseStatusCode: status == .success ? 200 : 503, response: "",
                    durationMilliseconds: 1, trigger: .scheduled, attemptNumber: 1, createdAt: at)
                outcomes.attempts.append(.init(attempt: attempt, next: .unchanged))
            }
            try await store.recordOutcomes(outcomes, now: fixedNow)

            let all = try await store.attemptStats(application: app.id, endpoint: endpoint.id, since: nil, until: nil)
            #expect((all.success, all.fail, all.canceled) == (2, 2, 0))
            let window = try await store.attemptStats(
                application: app.id, endpoint: endpoint.id, since: fixedNow.addingTimeInterval(15),
                until: fixedNow.addingTimeInterval(30))
            #expect((window.success, window.fail) == (1, 1))
            await #expect(throws: HeraldError.self) {
                try await store.attemptStats(application: app.id, endpoint: "ep_unknown", since: nil, until: nil)
            }
        }
    }
}
