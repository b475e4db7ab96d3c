import Foundation
import Testing

/// `deliverAt` in a message body: its deliveries wait until then.
@Suite struct MessageDeliverAtTests {
    static func body(deliverAt: String) -> String {
        #"{"eventType":"user.created","payload":{"n":1},"deliverAt":"\#(deliverAt)"}"#
    }

    static func timestamp(_ offset: TimeInterval) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(offset))
    }

    /// A timestamp as Herald writes them (with milliseconds) or as this test does (without).
    static func date(_ value: JSON?) -> Date? {
        guard let text = value?.string else { return nil }
        let withMilliseconds = ISO8601DateFormatter()
        withMilliseconds.formatOptions.insert(.withFractionalSeconds)
        return withMilliseconds.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    @Test func aScheduledMessageShowsItsDeliverAtAndItsDeliveriesWaitForIt() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let deliverAt = Self.timestamp(3600)
            let sent = try await api.post("/api/v1/app/\(app)/msg", Self.body(deliverAt: deliverAt))
            #expect(sent.status == .accepted, "body: \(sent.text)")
            let expected = try #require(Self.date(.string(deliverAt)))
            #expect(Self.date(sent["deliverAt"]) == expected)
            let id = try #require(sent["id"]?.string)
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(id)")["deliverAt"] == sent["deliverAt"])

            let destinations = try await api.get("/api/v1/app/\(app)/msg/\(id)/endpoint")
            #expect(destinations.data.first?["status"] == 1, "pending: \(destinations.text)")
            #expect(Self.date(destinations.data.first?["nextAttempt"]) == expected)
            let endpointMessages = try await api.get("/api/v1/app/\(app)/endpoint/\(endpoint)/msg")
            #expect(endpointMessages.data.first?["deliverAt"] == sent["deliverAt"])

            // A time that has passed means at once.
            let now = try await api.post("/api/v1/app/\(app)/msg", Self.body(deliverAt: Self.timestamp(-5)))
            #expect(now.status == .accepted)
            #expect(now["deliverAt"] == nil)
            let plain = try await api.sendMessage(app: app)
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(plain)")["deliverAt"] == nil)
        }
    }

    @Test func aDeliverAtMoreThanADayAheadOrNotATimeIsRefused() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            for deliverAt in [Self.timestamp(25 * 3600), "tomorrow", ""] {
                expectValidationError(
                    try await api.post("/api/v1/app/\(app)/msg", Self.body(deliverAt: deliverAt)), at: ["body", "deliverAt"])
            }
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.isEmpty)
        }
    }
}
