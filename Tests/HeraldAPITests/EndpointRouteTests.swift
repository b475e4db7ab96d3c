import Testing
import WebhookSignature

@Suite struct EndpointRouteTests {
    static let customSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func creatingAnEndpointAnswers201WithDefaults() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let response = try await api.post("/api/v1/app/\(app)/endpoint", #"{"url":"https://example.com/hook"}"#)
            #expect(response.status == .created)
            #expect(isIdentifier(response["id"], prefix: "ep_"))
            #expect(response["url"] == "https://example.com/hook")
            #expect(response["description"] == "")
            #expect(response["disabled"] == false)
            #expect(response["metadata"] == [:])
            #expect(isUnset(response["eventTypes"]))
            #expect(isUnset(response["channels"]))
            #expect(isTimestamp(response["createdAt"]))
            #expect(response["secret"] == nil)
        }
    }

    @Test func anEndpointKeepsEveryFieldItWasCreatedWith() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication(uid: "acme")
            let created = try await api.post(
                "/api/v1/app/acme/endpoint",
                #"""
                {"url":"https://example.com/a","uid":"ep-a","description":"Orders","disabled":true,
                 "eventTypes":["order.paid"],"channels":["eu"],"throttleRate":9,"metadata":{"team":"billing"}}
                """#
            )
            #expect(created.status == .created)
            #expect(created["uid"] == "ep-a")
            #expect(created["description"] == "Orders")
            #expect(created["disabled"] == true)
            #expect(created["eventTypes"] == ["order.paid"])
            #expect(created["channels"] == ["eu"])
            #expect(created["throttleRate"] == 9)
            #expect(created["metadata"] == ["team": "billing"])
            let id = try #require(created["id"]?.string)
            for path in ["/api/v1/app/\(app)/endpoint/\(id)", "/api/v1/app/acme/endpoint/ep-a"] {
                let read = try await api.get(path)
                #expect(read.status == .ok)
                #expect(read.json == created.json)
            }
            let list = try await api.get("/api/v1/app/acme/endpoint")
            #expect(list.data == [created.json])
            #expect(list["iterator"] == .null)
            #expect(list["done"] == true)
        }
    }

    @Test func aNewEndpointGetsAGeneratedWhsecSecret() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let secret = try await api.get("/api/v1/app/\(app)/endpoint/\(endpoint)/secret")
            #expect(secret.status == .ok)
            let key = try #require(secret["key"]?.string)
            #expect(key.hasPrefix("whsec_"))
            #expect(key.count > "whsec_".count + 30)
        }
    }

    @Test func anEndpointCreatedWithASecretAnswersThatSecret() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(
                app: app,
                #"{"url":"https://example.com/hook","secret":"\#(Self.customSecret)"}"#
            )
            let secret = try await api.get("/api/v1/app/\(app)/endpoint/\(endpoint)/secret")
            #expect(secret.json == ["key": .string(Self.customSecret)])
        }
    }

    @Test func rotatingTheSecretAnswersTheNewKeyWhichBecomesCurrent() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/secret"
            let old = try #require(try await api.get(path)["key"]?.string)

            let rotated = try await api.post(path + "/rotate", "{}")
            #expect(rotated.status == .ok)
            let new = try #require(rotated["key"]?.string)
            #expect(new.hasPrefix("whsec_"))
            #expect(new != old)
            #expect(rotated.json.object?.keys.sorted() == ["key"])
            #expect(try await api.get(path)["key"] == .string(new))

            let custom = try await api.post(path + "/rotate", #"{"key":"\#(Self.customSecret)","gracePeriodSeconds":0}"#)
            #expect(custom.status == .ok)
            #expect(custom["key"] == .string(Self.customSecret))
            #expect(try await api.get(path)["key"] == .string(Self.customSecret))
        }
    }

    @Test func rotatingWithAnInvalidKeyOrGracePeriodIsRefused() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/secret"
            let before = try await api.get(path)["key"]
            expectValidationError(try await api.post(path + "/rotate", #"{"key":"whsec_short"}"#), at: ["body", "key"])
            expectValidationError(
                try await api.post(path + "/rotate", #"{"gracePeriodSeconds":604801}"#),
                at: ["body", "gracePeriodSeconds"]
            )
            #expect(try await api.get(path)["key"] == before)
        }
    }

    /// A `whpk_` key only verifies: an endpoint holding one could never have its deliveries signed.
    @Test func aPublicKeyCannotBecomeAnEndpointSecret() async throws {
        try await TestAPI.run { api in
            let publicKey = try #require(WebhookSecret.generateEd25519().publicKey?.encoded)
            let app = try await api.createApplication()
            let created = try await api.post("/api/v1/app/\(app)/endpoint", #"{"url":"https://e.com","secret":"\#(publicKey)"}"#)
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/secret"
            let before = try await api.get(path)["key"]
            let rotated = try await api.post(path + "/rotate", #"{"key":"\#(publicKey)"}"#)
            let after = try await api.get(path)["key"]
            expectValidationError(created, at: ["body", "secret"])
            expectValidationError(rotated, at: ["body", "key"])
            #expect(after == before)
        }
    }

    @Test func putCreatesAnEndpointWith201ThenReplacesItWith200() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let created = try await api.put(
                "/api/v1/app/\(app)/endpoint/orders",
                #"{"url":"https://example.com/a","description":"Orders","eventTypes":["order.paid"]}"#
            )
            #expect(created.status == .created)
            #expect(created["uid"] == "orders")
            #expect(isIdentifier(created["id"], prefix: "ep_"))

            let replaced = try await api.put("/api/v1/app/\(app)/endpoint/orders", #"{"url":"https://example.com/b"}"#)
            #expect(replaced.status == .ok)
            #expect(replaced["id"] == created["id"])
            #expect(replaced["uid"] == "orders")
            #expect(replaced["url"] == "https://example.com/b")
            #expect(replaced["description"] == "")
            #expect(isUnset(replaced["eventTypes"]))
            #expect(try await api.get("/api/v1/app/\(app)/endpoint").data.count == 1)
        }
    }

    @Test func patchLeavesAbsentFieldsAndNullClearsEventTypes() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(
                app: app,
                #"{"url":"https://example.com/a","description":"Orders","eventTypes":["order.paid"],"channels":["eu"]}"#
            )
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)"

            let moved = try await api.patch(path, #"{"url":"https://example.com/b"}"#)
            #expect(moved.status == .ok)
            #expect(moved["url"] == "https://example.com/b")
            #expect(moved["description"] == "Orders")
            #expect(moved["eventTypes"] == ["order.paid"])
            #expect(moved["channels"] == ["eu"])

            let cleared = try await api.patch(path, #"{"eventTypes":null,"disabled":true}"#)
            #expect(cleared.status == .ok)
            #expect(isUnset(cleared["eventTypes"]))
            #expect(cleared["channels"] == ["eu"])
            #expect(cleared["disabled"] == true)
            #expect(cleared["url"] == "https://example.com/b")
            #expect(try await api.get(path).json == cleared.json)
        }
    }

    @Test func deletingAnEndpointAnswers204ThenItIsNotFound() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)"
            let deleted = try await api.delete(path)
            #expect(deleted.status == .noContent)
            #expect(deleted.text.isEmpty)
            expectError(try await api.get(path), .notFound, code: "not_found")
            expectError(try await api.get(path + "/secret"), .notFound, code: "not_found")
            expectError(try await api.delete(path), .notFound, code: "not_found")
            #expect(try await api.get("/api/v1/app/\(app)/endpoint").data.isEmpty)
        }
    }

    @Test func headersCanBeReplacedPatchedAndDeleted() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/headers"
            #expect(try await api.get(path).json == ["headers": [:], "sensitive": []])

            let put = try await api.put(path, #"{"headers":{"X-Team":"billing","X-Env":"prod"}}"#)
            #expect(put.status == .noContent)
            #expect(try await api.get(path).json == ["headers": ["X-Team": "billing", "X-Env": "prod"], "sensitive": []])

            let patch = try await api.patch(path, #"{"headers":{"X-Region":"eu","X-Env":"staging"},"deleteHeaders":["x-team"]}"#)
            #expect(patch.status == .noContent)
            #expect(try await api.get(path)["headers"] == ["X-Env": "staging", "X-Region": "eu"])

            #expect(try await api.put(path, #"{"headers":{"X-Only":"1"}}"#).status == .noContent)
            #expect(try await api.get(path).json == ["headers": ["X-Only": "1"], "sensitive": []])
        }
    }

    /// Herald's spec: "Headers whose values are redacted as sensitive are listed by name in `sensitive`."
    @Test func sensitiveHeaderValuesAreRedactedAndListedByName() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/headers"
            let body = #"{"headers":{"X-Team":"billing","Authorization":"Bearer s3cr3t","X-Api-Token":"t0k3n"}}"#
            #expect(try await api.put(path, body).status == .noContent)

            let read = try await api.get(path)
            #expect(read.status == .ok)
            #expect(read["sensitive"] == ["Authorization", "X-Api-Token"])
            #expect(read["headers"]?["X-Team"] == "billing")
            #expect(!read.text.contains("s3cr3t"), "body: \(read.text)")
            #expect(!read.text.contains("t0k3n"), "body: \(read.text)")
        }
    }

    @Test func headersHeraldSetsItselfAreRefusedWith422() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let endpoint = try await api.createEndpoint(app: app)
            let path = "/api/v1/app/\(app)/endpoint/\(endpoint)/headers"
            #expect(try await api.put(path, #"{"headers":{"X-Keep":"1"}}"#).status == .noContent)
            expectValidationError(
                try await api.put(path, #"{"headers":{"webhook-id":"x"}}"#), at: ["body", "headers", "webhook-id"])
            expectValidationError(
                try await api.patch(path, #"{"headers":{"Webhook-Signature":"x"}}"#),
                at: ["body", "headers", "Webhook-Signature"])
            expectValidationError(
                try await api.post("/api/v1/app/\(app)/endpoint", #"{"url":"https://e.com","headers":{"content-type":"x"}}"#),
                at: ["body", "headers", "content-type"]
            )
            #expect(try await api.get(path)["headers"] == ["X-Keep": "1"])
        }
    }

    @Test func statsCountPendingDeliveriesOfTheEndpoint() async throws {
        try await TestAPI.run { api in
            let app = try await api.createApplication()
            let everything = try await api.createEndpoint(app: app)
            let ordersOnly = try await api.createEndpoint(
                app: app,
                #"{"url":"https://example.com/o","eventTypes":["order.paid"]}"#
            )
            for _ in 0..<3 { _ = try await api.sendMessage(app: app, eventType: "user.created") }
            _ = try await api.sendMessage(app: app, eventType: "order.paid")

            let stats = try await api.get("/api/v1/app/\(app)/endpoint/\(everything)/stats")
            #expect(stats.status == .ok)
            #expect(stats.json == ["success": 0, "pending": 4, "sending": 0, "fail": 0, "canceled": 0])
            #expect(try await api.get("/api/v1/app/\(app)/endpoint/\(ordersOnly)/stats")["pending"] == 1)
            let later = try await api.get("/api/v1/app/\(app)/endpoint/\(everything)/stats?since=2999-01-01T00:00:00Z")
            #expect(later["pending"] == 0)
            let earlier = try await api.get("/api/v1/app/\(app)/endpoint/\(everything)/stats?until=2000-01-01T00:00:00")
            #expect(earlier["pending"] == 0)
        }
    }
}
