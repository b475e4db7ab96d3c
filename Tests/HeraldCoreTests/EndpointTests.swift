import Foundation
import HeraldCore
import Testing

@Suite struct EndpointTests {
    func endpoint(eventTypes: [String]? = nil, channels: [String]? = nil, disabled: Bool = false) -> Endpoint {
        Endpoint(
            id: "ep_1",
            applicationID: "app_1",
            url: "https://example.com",
            disabled: disabled,
            eventTypes: eventTypes,
            channels: channels,
            secrets: EndpointSecrets(current: "whsec_x"),
            createdAt: Date(),
            updatedAt: Date()
        )
    }

    @Test func endpointWithoutFiltersAcceptsEverything() {
        #expect(endpoint().accepts(eventType: "user.created", messageChannels: nil))
        #expect(endpoint().accepts(eventType: "invoice.paid", messageChannels: ["eu"]))
    }

    @Test func eventTypeFilterAcceptsOnlyListedTypes() {
        let filtered = endpoint(eventTypes: ["user.created", "user.deleted"])
        #expect(filtered.accepts(eventType: "user.deleted", messageChannels: nil))
        #expect(!filtered.accepts(eventType: "invoice.paid", messageChannels: nil))
    }

    @Test func channelEndpointAcceptsOnlyMessagesSharingAChannel() {
        let eu = endpoint(channels: ["eu", "global"])
        #expect(eu.accepts(eventType: "a", messageChannels: ["us", "global"]))
        #expect(!eu.accepts(eventType: "a", messageChannels: ["us"]))
        #expect(!eu.accepts(eventType: "a", messageChannels: nil))
    }

    @Test func disabledEndpointAcceptsNothing() {
        #expect(!endpoint(disabled: true).accepts(eventType: "a", messageChannels: nil))
    }
}

@Suite struct EndpointSecretsTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func rotatedSecretKeepsSigningDuringItsGracePeriod() {
        let rotated = EndpointSecrets(current: "old").rotated(to: "new", gracePeriod: 3600, now: now)
        #expect(rotated.current == "new")
        #expect(rotated.live(at: now.addingTimeInterval(3599)) == ["new", "old"])
        #expect(rotated.live(at: now.addingTimeInterval(3601)) == ["new"])
    }

    @Test func rotationWithoutGracePeriodDropsTheOldSecretAtOnce() {
        let rotated = EndpointSecrets(current: "old").rotated(to: "new", gracePeriod: 0, now: now)
        #expect(rotated.live(at: now) == ["new"])
    }

    @Test func expiredRetiredSecretsAreDroppedOnTheNextRotation() {
        let once = EndpointSecrets(current: "a").rotated(to: "b", gracePeriod: 60, now: now)
        let twice = once.rotated(to: "c", gracePeriod: 60, now: now.addingTimeInterval(120))
        #expect(twice.retired.map(\.key) == ["b"])
    }

    @Test func headersHeraldSetsOrThatGovernTheConnectionAreReservedInAnyCase() {
        for name in [
            "Host", "content-length", "Content-Type", "USER-AGENT", "Transfer-Encoding", "TE", "Keep-Alive",
            "webhook-signature", "Svix-Id", "proxy-authorization",
        ] {
            #expect(Endpoint.isReservedHeader(name), "\(name)")
        }
        for name in ["Authorization", "X-Team", "webhook", "svixid", "hostname"] {
            #expect(!Endpoint.isReservedHeader(name), "\(name)")
        }
    }
}
