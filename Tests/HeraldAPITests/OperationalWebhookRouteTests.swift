import Foundation
import HTTPTypes
import HeraldAPI
import HeraldCore
import HeraldStore
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `/api/v1/operational-webhook/endpoint`: Svix's operational webhook endpoints, the operational application's.
@Suite struct OperationalWebhookRouteTests {
    static let base = "/api/v1/operational-webhook/endpoint"

    @Test func theRoutesManageTheOperationalApplicationsEndpointsAndCreateItOnFirstUse() async throws {
        try await TestAPI.run { api in
            #expect(try await api.get("/api/v1/app").data.isEmpty)
            let empty = try await api.get(Self.base)
            #expect(empty.status == .ok && empty.data.isEmpty && empty["done"] == .bool(true), "body: \(empty.text)")
            let application = try await api.get("/api/v1/app/herald-operational")
            #expect(application["name"] == "Herald operational webhooks")

            let created = try await api.post(
                Self.base, #"{"url":"https://ops.example.com/hook","eventTypes":["endpoint.disabled"],"uid":"pager"}"#)
            #expect(created.status == .created, "body: \(created.text)")
            let id = try #require(created["id"]?.string)
            #expect(try await api.get("/api/v1/app/herald-operational/endpoint").ids == [id])
            #expect(try await api.get(Self.base).ids == [id])
            #expect(try await api.get("\(Self.base)/pager")["eventTypes"] == .array(["endpoint.disabled"]))

            let replaced = try await api.put("\(Self.base)/\(id)", #"{"url":"https://ops.example.com/v2","description":"pager"}"#)
            #expect(replaced.status == .ok && replaced["url"] == "https://ops.example.com/v2", "body: \(replaced.text)")
            let upserted = try await api.put("\(Self.base)/slack", #"{"url":"https://ops.example.com/slack"}"#)
            #expect(upserted.status == .created && upserted["uid"] == "slack", "body: \(upserted.text)")

            let secret = try #require(try await api.get("\(Self.base)/\(id)/secret")["key"]?.string)
            let rotated = try await api.post("\(Self.base)/\(id)/secret/rotate", "{}")
            #expect(rotated.status == .ok && rotated["key"]?.string != secret, "body: \(rotated.text)")
            #expect(try await api.put("\(Self.base)/\(id)/headers", #"{"headers":{"X-Team":"ops"}}"#).status == .noContent)
            #expect(try await api.get("\(Self.base)/\(id)/headers")["headers"] == .object(["X-Team": "ops"]))

            #expect(try await api.delete("\(Self.base)/\(id)").status == .noContent)
            expectError(try await api.get("\(Self.base)/\(id)"), .notFound, code: "not_found")
            #expect(try await api.get(Self.base).ids.count == 1)
            expectValidationError(try await api.post(Self.base, #"{"url":"not a url"}"#), at: ["body", "url"])
            // An ordinary application's endpoint is not an operational one.
            let other = try await api.createApplication(uid: "acme")
            let ordinary = try await api.createEndpoint(app: other)
            expectError(try await api.get("\(Self.base)/\(ordinary)"), .notFound, code: "not_found")
        }
    }

    @Test func finishedTasksArePublishedAsBackgroundTaskFinished() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let events = OperationalEvents(store: store, application: "herald-operational", logger: Logger(label: "test"))
        let router = HeraldRouter.make(store: store, configuration: TestAPI.configuration, events: events)
        try await Application(responder: HeraldResponder(router)).test(.router) { client in
            let api = TestAPI(client: client, store: store)
            let app = try await api.createApplication(uid: "acme")
            let endpoint = try await api.createEndpoint(app: app)
            // No operational application yet: nothing is published, and the miss is remembered for a while...
            let early = try await api.post(
                "/api/v1/app/acme/endpoint/\(endpoint)/recover", #"{"since":"2026-01-01T00:00:00Z"}"#)
            #expect(early.status == .accepted, "body: \(early.text)")
            // ...until an operational endpoint is made, which creates the application.
            _ = try await api.post(Self.base, #"{"url":"https://ops.example.com/hook"}"#)
            let task = try await api.post(
                "/api/v1/app/acme/endpoint/\(endpoint)/recover", #"{"since":"2026-01-01T00:00:00Z"}"#)
            #expect(task.status == .accepted, "body: \(task.text)")
            let purge = try await api.post("/api/v1/app/acme/msg/expunge-all-contents", "{}")
            #expect(purge.status == .accepted, "body: \(purge.text)")

            let published = try await api.get("/api/v1/app/herald-operational/msg?event_types=background_task.finished")
            let payloads = published.data.compactMap { $0["payload"]?["data"] }
            #expect(payloads.count == 2, "body: \(published.text)")
            #expect(!payloads.contains { $0["taskId"] == early["id"] })
            #expect(payloads.contains { $0["taskId"] == task["id"] && $0["task"] == "endpoint.recover" })
            #expect(payloads.contains { $0["taskId"] == purge["id"] && $0["data"]?["messagesPurged"] == .number(0) })
        }
    }

    @Test func aConfiguredOperationalApplicationIsUsedAndAnUnknownIdIsNotCreated() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path, cipher: .random())
        let ops = try await store.insertApplication(
            HeraldCore.Application(id: "app_ops", uid: "ops", name: "Ops", createdAt: Date(), updatedAt: Date()))
        for (key, status) in [("ops", HTTPResponse.Status.created), ("app_ops", .created), ("app_missing", .notFound)] {
            var configuration = TestAPI.configuration
            configuration.operationalApplication = key
            let app = Application(responder: HeraldResponder(HeraldRouter.make(store: store, configuration: configuration)))
            try await app.test(.router) { client in
                let api = TestAPI(client: client, store: store)
                let response = try await api.post(Self.base, #"{"url":"https://ops.example.com/\#(key)"}"#)
                #expect(response.status == status, "\(key): \(response.text)")
            }
        }
        #expect(try await store.endpoints(application: ops.id, PageRequest(limit: 10, order: .ascending)).items.count == 2)
        #expect(try await store.applications(PageRequest(limit: 10, order: .ascending)).items.map(\.id) == ["app_ops"])
    }
}
