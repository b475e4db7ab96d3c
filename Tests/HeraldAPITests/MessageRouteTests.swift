import Foundation
import Testing

@Suite struct MessageRouteTests {
    /// A payload with unusual spacing, key order, escapes and number forms, which must come back unchanged.
    static let payload = #"{"b":2, "a":1,"s":"caf\u00e9 \"q\"","n":[1.50,2e3],"o":{ }}"#

    @Test func sendingAMessageAnswers202WithThePayloadByteForByte() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            let sent = try await api.post(
                "/api/v1/app/acme/msg",
                #"{"eventType":"user.created","payload":\#(Self.payload),"eventId":"evt-1","channels":["eu"],"tags":["vip"]}"#
            )
            #expect(sent.status == .accepted)
            #expect(isIdentifier(sent["id"], prefix: "msg_"))
            #expect(sent["eventType"] == "user.created")
            #expect(sent["eventId"] == "evt-1")
            #expect(sent["channels"] == ["eu"])
            #expect(sent["tags"] == ["vip"])
            #expect(isTimestamp(sent["timestamp"]))
            #expect(sent.text.contains(#""payload":\#(Self.payload)"#), "body: \(sent.text)")

            let id = try #require(sent["id"]?.string)
            for key in [id, "evt-1"] {
                let read = try await api.get("/api/v1/app/\(app)/msg/\(key)")
                #expect(read.status == .ok)
                #expect(read["id"] == .string(id))
                #expect(read.text.contains(#""payload":\#(Self.payload)"#), "body: \(read.text)")
            }
            let list = try await api.get("/api/v1/app/\(app)/msg")
            #expect(list.text.contains(#""payload":\#(Self.payload)"#), "body: \(list.text)")
        }
    }

    @Test func aPayloadMayCarryNULCharactersAnywhere() async throws {
        try await TestAPI.run { api in
            _ = try await api.createApplication(uid: "acme")
            let payload = #"{"s":"a\u0000b","o":{"k\u0000":["\u0000"]}}"#
            let sent = try await api.post("/api/v1/app/acme/msg", #"{"eventType":"user.created","payload":\#(payload)}"#)
            #expect(sent.status == .accepted, "body: \(sent.text)")
            let id = try #require(sent["id"]?.string)
            let read = try await api.get("/api/v1/app/acme/msg/\(id)")
            #expect(read.text.contains(#""payload":\#(payload)"#), "body: \(read.text)")
        }
    }

    /// Strict JSON checking must not refuse what RFC 8259 allows.
    @Test(arguments: [
        #"{"n":-0.5e-3,"m":1E+2,"z":0,"neg":-0}"#,
        #"{"u":"\ud83d\ude00 \/ \\ \b\f\n\r\t","e":""}"#,
        "{ \"a\" :\r\n\t[ ] , \"o\":{ \"t\":true,\"f\":false,\"x\":null } }",
        #"{"deep":[[[[[[[[[[{"k":[1]}]]]]]]]]]]}"#,
    ])
    func everyFormOfValidJSONIsAcceptedAndKeptAsSent(_ payload: String) async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let sent = try await api.sendMessage(app: app, #"{"eventType":"a","payload":\#(payload)}"#)
            let id = try #require(sent["id"]?.string)
            let read = try await api.get("/api/v1/app/\(app)/msg/\(id)")
            #expect(read.text.contains(#""payload":\#(payload)"#), "body: \(read.text)")
        }
    }

    @Test func withContentFalseAnswersAnEmptyPayload() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let sent = try await api.post(
                "/api/v1/app/\(app)/msg?with_content=false",
                #"{"eventType":"user.created","payload":{"secret":"s3"}}"#
            )
            #expect(sent.status == .accepted)
            #expect(sent["payload"] == [:])
            #expect(!sent.text.contains("s3"))
            let id = try #require(sent["id"]?.string)
            // The payload was stored all the same.
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(id)")["payload"] == ["secret": "s3"])
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(id)?with_content=false")["payload"] == [:])
            #expect(try await api.get("/api/v1/app/\(app)/msg?with_content=false").data.first?["payload"] == [:])
        }
    }

    @Test func messagesAreListedNewestFirst() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await api.sendMessage(app: app)) }
            let list = try await api.get("/api/v1/app/\(app)/msg")
            #expect(list.status == .ok)
            #expect(list.ids == ids.sorted().reversed())
            #expect(list["iterator"] == .null)
            #expect(list["done"] == true)
        }
    }

    @Test func listsFilterByEventTypesChannelAndTag() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let user = try await api.sendMessage(app: app, eventType: "user.created", channels: ["eu", "us"])
            let order = try await api.sendMessage(app: app, eventType: "order.paid", channels: ["us"])
            let invoice = try await api.sendMessage(app: app, eventType: "invoice.sent")
            let tagged = try await api.sendMessage(
                app: app,
                #"{"eventType":"invoice.sent","payload":{},"tags":["vip"]}"#
            )["id"]?.string
            let base = "/api/v1/app/\(app)/msg"

            #expect(Set(try await api.get(base + "?event_types=user.created,order.paid").ids) == [user, order])
            #expect(Set(try await api.get(base + "?event_types=invoice.sent").ids) == Set([invoice, tagged].compactMap { $0 }))
            #expect(try await api.get(base + "?channel=eu").ids == [user])
            #expect(Set(try await api.get(base + "?channel=us").ids) == [user, order])
            #expect(try await api.get(base + "?channel=asia").ids == [])
            #expect(try await api.get(base + "?tag=vip").ids == [tagged].compactMap { $0 })
        }
    }

    @Test func listsFilterByBeforeAndAfterInAnyTimeZoneNotation() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            var sent: [(id: String, timestamp: String)] = []
            for _ in 0..<3 {
                let response = try await api.sendMessage(app: app, #"{"eventType":"user.created","payload":{}}"#)
                sent.append((try #require(response["id"]?.string), try #require(response["timestamp"]?.string)))
                try await Task.sleep(for: .milliseconds(5))
            }
            let base = "/api/v1/app/\(app)/msg"
            #expect(try await api.get(base + "?after=\(sent[0].timestamp)").ids == [sent[2].id, sent[1].id])
            #expect(try await api.get(base + "?before=\(sent[2].timestamp)").ids == [sent[1].id, sent[0].id])
            #expect(try await api.get(base + "?after=\(sent[0].timestamp)&before=\(sent[2].timestamp)").ids == [sent[1].id])

            let noZone = String(sent[0].timestamp.dropLast())
            #expect(try await api.get(base + "?after=\(noZone)").ids == [sent[2].id, sent[1].id])
            let withOffset = try Self.plusOneHour(sent[0].timestamp).replacingOccurrences(of: "+", with: "%2B")
            #expect(try await api.get(base + "?after=\(withOffset)").ids == [sent[2].id, sent[1].id])
            expectValidationError(try await api.get(base + "?after=yesterday"), at: ["query", "after"])
        }
    }

    @Test func deletingContentLeavesTheMessageWithAnEmptyPayload() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let id = try await api.sendMessage(app: app)
            let deleted = try await api.delete("/api/v1/app/\(app)/msg/\(id)/content")
            #expect(deleted.status == .noContent)
            #expect(deleted.text.isEmpty)
            let read = try await api.get("/api/v1/app/\(app)/msg/\(id)")
            #expect(read.status == .ok)
            #expect(read["payload"] == [:])
            #expect(read["eventType"] == "user.created")
            expectError(try await api.delete("/api/v1/app/\(app)/msg/msg_unknown/content"), .notFound, code: "not_found")
        }
    }

    @Test func aRepeatedEventIdInTheSameApplicationIsAConflict() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            _ = try await api.sendMessage(app: app, #"{"eventType":"user.created","payload":{},"eventId":"evt-1"}"#)
            let again = try await api.post(
                "/api/v1/app/\(app)/msg", #"{"eventType":"user.created","payload":{},"eventId":"evt-1"}"#)
            expectError(again, .conflict, code: "conflict")
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.count == 1)
        }
    }

    @Test func concurrentMessagesWithOneEventIdStoreOneMessage() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await api.post(
                            "/api/v1/app/\(app)/msg",
                            #"{"eventType":"user.created","payload":{},"eventId":"evt-race"}"#
                        ).status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let expected = [202] + Array(repeating: 409, count: 9)
            #expect(statuses.sorted() == expected)
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.count == 1)
        }
    }

    @Test func aMessageGoesOnlyToEnabledEndpointsWhoseFilterAndChannelsMatch() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let all = try await api.createEndpoint(app: app)
            let invoices = try await api.createEndpoint(app: app, #"{"url":"https://e.com/2","eventTypes":["invoice.paid"]}"#)
            let europe = try await api.createEndpoint(app: app, #"{"url":"https://e.com/3","channels":["eu"]}"#)
            _ = try await api.createEndpoint(app: app, #"{"url":"https://e.com/4","disabled":true}"#)
            let users = try await api.createEndpoint(
                app: app,
                #"{"url":"https://e.com/5","channels":["us","eu"],"eventTypes":["user.created"]}"#
            )

            let plain = try await api.sendMessage(app: app, eventType: "user.created")
            #expect(try await api.destinations(app: app, message: plain) == [all])
            let european = try await api.sendMessage(app: app, eventType: "user.created", channels: ["eu"])
            #expect(try await api.destinations(app: app, message: european) == [all, europe, users])
            let american = try await api.sendMessage(app: app, eventType: "invoice.paid", channels: ["us"])
            #expect(try await api.destinations(app: app, message: american) == [all, invoices])

            let entries = try await api.get("/api/v1/app/\(app)/msg/\(european)/endpoint")
            #expect(entries["done"] == true)
            #expect(entries["iterator"] == .null)
            let europeEntry = try #require(entries.data.first { $0["id"] == .string(europe) })
            #expect(europeEntry["url"] == "https://e.com/3")
            #expect(europeEntry["status"] == 1)
            #expect(europeEntry["statusText"] == "pending")
            #expect(isTimestamp(europeEntry["nextAttempt"]))
        }
    }

    @Test func anEndpointListsTheMessagesSentToIt() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let europe = try await api.createEndpoint(app: app, #"{"url":"https://e.com/eu","channels":["eu"]}"#)
            _ = try await api.sendMessage(app: app, eventType: "user.created", channels: ["us"])
            let european = try await api.sendMessage(app: app, eventType: "user.created", channels: ["eu"])

            let list = try await api.get("/api/v1/app/\(app)/endpoint/\(europe)/msg")
            #expect(list.status == .ok)
            #expect(list.ids == [european])
            #expect(list.data.first?["status"] == 1)
            #expect(list.data.first?["statusText"] == "pending")
            #expect(list.data.first?["payload"] == ["n": 1])
            #expect(list["done"] == true)
        }
    }

    /// The SDKs' `message_in_raw` puts the real payload in `transformationsParams.rawPayload` (any text) and sends
    /// `{}` as `payload`; the payload reads back as it was sent.
    @Test func aRawPayloadIsKeptWithItsContentTypeAndReadBackAsSent() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let xml =
                #"{"eventType":"a","payload":{},"transformationsParams":{"rawPayload":"<a b=\"1\"/>","headers":{"Content-Type":"application/xml"}}}"#
            let sent = try await api.post("/api/v1/app/\(app)/msg", xml)
            #expect(sent.status == .accepted, "body: \(sent.text)")
            let expected: JSON = ["rawPayload": #"<a b="1"/>"#, "headers": ["content-type": "application/xml"]]
            #expect(sent["payload"] == [:])
            #expect(sent["transformationsParams"] == expected)
            let id = try #require(sent["id"]?.string)
            #expect(try await api.get("/api/v1/app/\(app)/msg/\(id)")["transformationsParams"] == expected)
            let withoutContent = try await api.get("/api/v1/app/\(app)/msg/\(id)?with_content=false")
            #expect(withoutContent["transformationsParams"] == nil)

            // Without a content type it goes as JSON; other transformation parameters are ignored.
            let plain = #"{"eventType":"a","payload":{},"transformationsParams":{"rawPayload":"[1,2]","hint":"x"}}"#
            let untyped = try await api.post("/api/v1/app/\(app)/msg", plain)
            #expect(untyped["transformationsParams"]?["headers"] == ["content-type": "application/json"])
            let other = #"{"eventType":"a","payload":{"n":1},"transformationsParams":{"hint":"x"}}"#
            let json = try await api.post("/api/v1/app/\(app)/msg", other)
            #expect(json["payload"] == ["n": 1])
            #expect(json["transformationsParams"] == nil)
        }
    }

    @Test func aRawPayloadNeedsTextAndAMediaType() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let notText = #"{"eventType":"a","payload":{},"transformationsParams":{"rawPayload":{"x":1}}}"#
            expectValidationError(
                try await api.post("/api/v1/app/\(app)/msg", notText), at: ["body", "transformationsParams", "rawPayload"])
            let badType =
                #"{"eventType":"a","payload":{},"transformationsParams":{"rawPayload":"x","headers":{"content-type":"xml"}}}"#
            expectValidationError(
                try await api.post("/api/v1/app/\(app)/msg", badType),
                at: ["body", "transformationsParams", "headers", "content-type"])
            #expect(try await api.get("/api/v1/app/\(app)/msg").data.isEmpty)
        }
    }

    /// `2026-11-23T07:00:00.123Z` written as `2026-11-23T08:00:00.123+01:00`.
    static func plusOneHour(_ timestamp: String) throws -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: timestamp))
        formatter.timeZone = TimeZone(secondsFromGMT: 3600)
        let text = formatter.string(from: date)
        try #require(text.hasSuffix("+01:00"), "formatted as \(text)")
        return text
    }
}
