import Foundation
import Testing

/// `POST /api/v1/stats/usage/app`: deliveries per application in a window, as a finished task.
@Suite struct StatisticsRouteTests {
    @Test func usageIsCountedPerApplicationAndKeptWithTheTask() async throws {
        try await TestAPI.run { api in
            let acme = try await api.createApplication(uid: "acme")
            let idle = try await api.createApplication(name: "Idle", uid: "idle")
            _ = try await api.createEndpoint(app: acme)
            _ = try await api.createEndpoint(app: acme, #"{"url":"https://example.com/second"}"#)
            for _ in 0..<3 { _ = try await api.sendMessage(app: acme) }
            let window = #""since":"2020-01-01T00:00:00Z","until":"2100-01-01T00:00:00Z""#

            let all = try await api.post("/api/v1/stats/usage/app", "{\(window)}")
            #expect(all.status == .accepted, "body: \(all.text)")
            #expect(all["task"] == "application.stats" && all["status"] == "finished" && all["unresolvedAppIds"] == .array([]))
            let task = try await api.get("/api/v1/background-task/\(try #require(all["id"]?.string))")
            #expect(
                task["data"]?["appStats"]
                    == .array([.object(["appId": .string(acme), "appUid": "acme", "messageDestinations": .number(6)])]))

            let named = try await api.post("/api/v1/stats/usage/app", #"{\#(window),"appIds":["idle","nobody"]}"#)
            #expect(named["unresolvedAppIds"] == .array(["nobody"]), "body: \(named.text)")
            let namedTask = try await api.get("/api/v1/background-task/\(try #require(named["id"]?.string))")
            #expect(
                namedTask["data"]?["appStats"]
                    == .array([.object(["appId": .string(idle), "appUid": "idle", "messageDestinations": .number(0)])]))

            expectValidationError(
                try await api.post("/api/v1/stats/usage/app", #"{\#(window),"appIds":["nobody"]}"#), at: ["body", "appIds"])
            expectValidationError(
                try await api.post(
                    "/api/v1/stats/usage/app", #"{"since":"2021-01-01T00:00:00Z","until":"2020-01-01T00:00:00Z"}"#),
                at: ["body", "until"])
            expectValidationError(
                try await api.post("/api/v1/stats/usage/app", #"{"since":"2021-01-01T00:00:00Z"}"#), at: ["body", "until"])
            #expect(try await api.get("/api/v1/background-task?task=application.stats").data.count == 2)
        }
    }
}
