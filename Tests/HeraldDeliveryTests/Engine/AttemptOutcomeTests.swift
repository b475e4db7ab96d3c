import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStore
import NIOCore
import NIOPosix
import Testing

extension DeliveryEngineTests {
    /// How one attempt against a misbehaving endpoint is bounded and recorded.
    @Suite struct AttemptOutcomeTests {
        /// One attempt, no retries, so the first outcome is the delivery's last.
        static func singleAttempt(timeout: TimeInterval = 2) -> (inout DeliveryConfiguration) -> Void {
            { configuration in
                configuration.retrySchedule = RetrySchedule(delays: [])
                configuration.requestTimeout = timeout
            }
        }

        /// Waits for the one attempt of `message` to `endpoint` and returns it.
        static func onlyAttempt(_ harness: DeliveryHarness, _ endpoint: Endpoint, timeout: Duration = .seconds(5)) async throws
            -> Attempt
        {
            try await eventually("the attempt is recorded", timeout: timeout) {
                try await !harness.attempts(endpoint: endpoint.id).isEmpty
            }
            let attempts = try await harness.attempts(endpoint: endpoint.id)
            #expect(attempts.count == 1)
            return try #require(attempts.first)
        }

        @Test func anEndpointThatNeverAnswersTimesOutWithinTheRequestTimeout() async throws {
            try await DeliveryHarness.run(configure: Self.singleAttempt(timeout: 0.3)) { harness in
                harness.receiver.on("/silent", reply: .hang(for: .seconds(10)))
                let endpoint = try await harness.makeEndpoint(path: "/silent")
                let message = try await harness.send()

                let attempt = try await Self.onlyAttempt(harness, endpoint, timeout: .seconds(10))
                #expect(attempt.errorKind == AttemptErrorKind.timeout.rawValue)
                #expect(attempt.responseStatusCode == 0)
                #expect(attempt.status == .fail)
                #expect(attempt.durationMilliseconds >= 250)
                #expect(attempt.durationMilliseconds < 1500)
                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }
            }
        }

        @Test func aResponseWhoseBodyTricklesIsCutOffAtTheRequestTimeout() async throws {
            try await DeliveryHarness.run(configure: Self.singleAttempt(timeout: 0.4)) { harness in
                // Headers at once, then one byte every 100 ms for 5 s: no read ever waits long.
                harness.receiver.on(
                    "/trickle",
                    reply: ReceiverReply(status: 200, body: .stream(chunkSize: 1, chunks: 50, pause: .milliseconds(100)))
                )
                let endpoint = try await harness.makeEndpoint(path: "/trickle")
                try await harness.send()

                let attempt = try await Self.onlyAttempt(harness, endpoint, timeout: .seconds(10))
                #expect(attempt.errorKind == AttemptErrorKind.timeout.rawValue)
                #expect(attempt.status == .fail)
                #expect(attempt.durationMilliseconds < 1500)
            }
        }

        @Test func aRefusedConnectionIsRecordedAsConnectRefusedWithoutWaitingForTheTimeout() async throws {
            let port = try await Self.unusedLoopbackPort()
            try await DeliveryHarness.run(configure: Self.singleAttempt(timeout: 2)) { harness in
                let endpoint = try await harness.makeEndpoint(url: "http://127.0.0.1:\(port)/nobody-home")
                try await harness.send()

                let attempt = try await Self.onlyAttempt(harness, endpoint)
                #expect(attempt.errorKind == AttemptErrorKind.connectRefused.rawValue)
                #expect(attempt.responseStatusCode == 0)
                #expect(attempt.status == .fail)
                #expect(attempt.durationMilliseconds < 1000, "a refused connection took \(attempt.durationMilliseconds) ms")
            }
        }

        @Test func aRedirectIsNotFollowedAndCountsAsAFailure() async throws {
            try await DeliveryHarness.run(configure: Self.singleAttempt()) { harness in
                harness.receiver.on("/moved", reply: .status(302, headers: ["Location": harness.receiver.url("/elsewhere")]))
                let endpoint = try await harness.makeEndpoint(path: "/moved")
                try await harness.send()

                let attempt = try await Self.onlyAttempt(harness, endpoint)
                #expect(attempt.status == .fail)
                #expect(attempt.responseStatusCode == 302)
                #expect(attempt.errorKind == nil)
                #expect(harness.receiver.count("/elsewhere") == 0)
                #expect(harness.receiver.count("/moved") == 1)
            }
        }

        @Test func aHugeResponseIsReadOnlyUpToTheResponseBound() async throws {
            try await DeliveryHarness.run(configure: Self.singleAttempt()) { harness in
                let fiveMebibytes = ReceiverReply(status: 200, body: .stream(chunkSize: 64 * 1024, chunks: 80, pause: .zero))
                harness.receiver.on("/huge", reply: fiveMebibytes)
                let endpoint = try await harness.makeEndpoint(path: "/huge")
                let messages = try await harness.send(count: 2)

                try await eventually("both deliveries succeed") {
                    try await harness.stats(endpoint.id).success == 2
                }
                let attempts = try await harness.attempts(endpoint: endpoint.id)
                #expect(attempts.count == 2)
                for attempt in attempts {
                    #expect(attempt.status == .success)
                    #expect(attempt.responseStatusCode == 200)
                    #expect(attempt.response.utf8.count == harness.configuration.maximumResponseBytes)
                    #expect(attempt.durationMilliseconds < 2000)
                }
                #expect(Set(attempts.map(\.messageID)) == Set(messages.map(\.id)))
            }
        }

        @Test func aLoopbackEndpointIsBlockedByTheDefaultAddressPolicyAndNeverReached() async throws {
            try await DeliveryHarness.run(configure: { configuration in
                Self.singleAttempt()(&configuration)
                configuration.addressPolicy = AddressPolicy()
            }) { harness in
                let endpoint = try await harness.makeEndpoint(path: "/internal")
                let message = try await harness.send()

                let attempt = try await Self.onlyAttempt(harness, endpoint)
                #expect(attempt.errorKind == AttemptErrorKind.blockedAddress.rawValue)
                #expect(attempt.responseStatusCode == 0)
                #expect(attempt.status == .fail)
                #expect(harness.receiver.count() == 0)
                try await eventually("the delivery fails") {
                    try await harness.delivery(of: message.id, to: endpoint.id)?.status == .fail
                }
            }
        }

        @Test func theDefaultAddressPolicyLetsAPublicAddressThrough() async throws {
            #expect(try await AddressGuard(policy: AddressPolicy()).vet(host: "93.184.216.34") == IPAddress("93.184.216.34"))
        }

        /// A loopback port with nothing listening: bound once by the system's choice, then closed.
        static func unusedLoopbackPort() async throws -> Int {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0)
                .get()
            let port = try #require(channel.localAddress?.port)
            try await channel.close()
            return port
        }
    }
}
