import Foundation
import HeraldCore
import HeraldStore
import Testing

@Suite struct ApplicationUsageStoreTests {
    @Test(arguments: StoreKind.allCases)
    func deliveriesAreCountedPerApplicationWithinTheWindow(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let acme = try await store.insertApplication(makeApplication(uid: "acme"))
            let beta = try await store.insertApplication(makeApplication(uid: nil, name: "Beta"))
            _ = try await store.insertApplication(makeApplication(uid: "idle"))
            for _ in 0..<2 { _ = try await store.insertEndpoint(makeEndpoint(application: acme.id)) }
            _ = try await store.insertEndpoint(makeEndpoint(application: beta.id))
            let hour: TimeInterval = 3600
            // acme: 3 messages × 2 endpoints in the window and 1 after it; beta: 1 message × 1 endpoint, 1 before.
            // Sent in time order, as message ids never go back.
            for (application, offset) in [
                (beta, -hour), (acme, 0), (acme, hour), (beta, hour), (acme, 2 * hour), (acme, 5 * hour),
            ] {
                _ = try await store.createMessage(
                    application: application.id, makeMessage(), now: fixedNow.addingTimeInterval(offset))
            }
            let since = fixedNow
            let until = fixedNow.addingTimeInterval(3 * hour)

            let all = try await store.applicationUsage(applications: nil, since: since, until: until)
            let expected = [
                ApplicationUsage(applicationID: acme.id, applicationUID: "acme", messageDestinations: 6),
                ApplicationUsage(applicationID: beta.id, applicationUID: nil, messageDestinations: 1),
            ].sorted { $0.applicationID < $1.applicationID }
            #expect(all == expected)
            #expect(
                try await store.applicationUsage(applications: [beta.id], since: since, until: until) == [
                    ApplicationUsage(applicationID: beta.id, applicationUID: nil, messageDestinations: 1)
                ])
            #expect(try await store.applicationUsage(applications: [], since: since, until: until).isEmpty)
            #expect(try await store.applicationUsage(applications: nil, since: until, until: until).isEmpty)
        }
    }
}
