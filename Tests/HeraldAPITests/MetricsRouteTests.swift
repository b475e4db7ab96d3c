import Foundation
import HTTPTypes
import HeraldAPI
import HeraldStore
import Prometheus
import Testing

@Suite struct MetricsRouteTests {
    @Test func metricsAfterRealTrafficCountIngestRequestsByRouteAndStoreCalls() async throws {
        try await MeteredAPI.run { api, _ in
            let app = try await api.createApplication(uid: "acme-corp")
            let endpoint = try await api.createEndpoint(app: app)
            var messages: [String] = []
            for _ in 0..<3 { messages.append(try await api.sendMessage(app: app)) }
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(messages[0])").status == .ok)
            #expect(try await api.get("/api/v1/app/no-such-app").status == .notFound)
            #expect(try await api.get("/api/v1/no/such/route/\(app)").status == .notFound)
            #expect(try await api.request(.get, "/api/v1/app", token: "wrong").status == .unauthorized)

            let response = try await api.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let samples = PrometheusSample.parse(response.text)

            #expect(samples.value("herald_messages_ingested_total") == 3)
            let requests = "herald_api_requests_total"
            #expect(samples.value(requests, ["method": "POST", "route": "/api/v1/app/{app_id}/msg", "status": "202"]) == 3)
            #expect(samples.value(requests, ["method": "POST", "route": "/api/v1/app", "status": "201"]) == 1)
            #expect(
                samples.value(requests, ["method": "GET", "route": "/api/v1/app/{app_id}/msg/{msg_id}", "status": "200"]) == 1)
            #expect(samples.value(requests, ["method": "GET", "route": "/api/v1/app/{app_id}", "status": "404"]) == 1)
            #expect(samples.value(requests, ["method": "GET", "route": "unmatched", "status": "404"]) == 1)
            #expect(samples.value(requests, ["method": "GET", "route": "/api/v1/app", "status": "401"]) == 1)
            let duration = "herald_api_request_duration_seconds_count"
            #expect(samples.value(duration, ["method": "POST", "route": "/api/v1/app/{app_id}/msg"]) == 3)

            let storeCalls = "herald_store_operation_duration_seconds_count"
            #expect(samples.value(storeCalls, ["operation": "create_message"]) == 3)
            #expect(samples.value(storeCalls, ["operation": "application"]) == 1)
            #expect(samples.value("herald_store_errors_total", ["operation": "create_message"]) == 0)
            // A missing application is an answer, not a store error.
            #expect(samples.value("herald_store_errors_total", ["operation": "application"]) == 0)
            #expect((samples.value("herald_store_operation_duration_seconds_sum", ["operation": "create_message"]) ?? 0) > 0)

            // No label carries an id, a uid or a raw path.
            for id in [app, endpoint, "acme-corp", "no-such-app"] + messages {
                #expect(!response.text.contains(id), "\(id) appears in /metrics")
            }
            let routes = Set(samples.compactMap { $0.name == requests ? $0.labels["route"] : nil })
            #expect(routes.allSatisfy { $0 == "unmatched" || $0.hasPrefix("/") }, "\(routes.sorted())")
        }
    }

    @Test func metricsNeedAToken() async throws {
        try await MeteredAPI.run { api, _ in
            expectError(try await api.request(.get, "/metrics", token: nil), .unauthorized, code: "authentication_failed")
        }
    }

    @Test func metricsAnswer404WhenTheServerHasNoRegistry() async throws {
        try await TestAPI.run { api in
            expectError(try await api.get("/metrics"), .notFound, code: "not_found")
        }
    }

    @Test func unknownMethodsAreCountedAsOther() async throws {
        try await MeteredAPI.run { api, registry in
            _ = try await api.request(HTTPRequest.Method("PURGE")!, "/api/v1/app")
            let samples = PrometheusSample.parse(registry.emitToString())
            #expect(samples.value("herald_api_requests_total", ["method": "other"]) == 1)
            #expect(samples.value("herald_api_requests_total", ["method": "PURGE"]) == nil)
        }
    }
}
