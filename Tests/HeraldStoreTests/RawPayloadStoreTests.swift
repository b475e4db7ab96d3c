import Foundation
import HeraldCore
import HeraldStore
import Synchronization
import Testing

/// A raw payload (any bytes, with the content type to deliver them with) reaches every delivery path as stored.
@Suite struct RawPayloadStoreTests {
    @Test(arguments: StoreKind.allCases)
    func aRawPayloadKeepsItsContentTypeThroughHandOffLeaseAndResend(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            let app = try await store.insertApplication(makeApplication())
            let handedOver = try await store.insertEndpoint(makeEndpoint(application: app.id))
            let xml = Array("<order id=\"1\">caf\u{E9}</order>".utf8)
            let handOffs = Mutex<[DeliveryTask]>([])
            store.installIngestHandoff(
                IngestHandoff(owner: "a", leaseDuration: 3600, deliver: { tasks in handOffs.withLock { $0 += tasks } }))
            let raw = try await store.createMessage(
                application: app.id, NewMessage(eventType: "order.placed", payload: xml, contentType: "application/xml"),
                now: fixedNow)
            let json = try await store.createMessage(application: app.id, makeMessage(), now: fixedNow)
            #expect(raw.contentType == "application/xml")
            // (Read at today's date, the payload of a message made at `fixedNow` has expired: only its type shows.)
            #expect(try await store.message(application: app.id, raw.id).contentType == "application/xml")
            #expect(try await store.message(application: app.id, json.id).contentType == nil)
            let handed = handOffs.withLock { $0 }
            #expect(handed.map(\.contentType) == ["application/xml", nil])
            #expect(handed.first?.payload == xml)

            // Leased from the store (an endpoint created later, replayed) and resent, it is the same.
            store.installIngestHandoff(nil)
            let later = try await store.insertEndpoint(makeEndpoint(application: app.id))
            _ = try await store.replayMissingDeliveries(
                application: app.id, endpoint: later.id, since: fixedNow, until: nil, now: fixedNow)
            let leased = try await store.leaseDueDeliveries(owner: "a", now: fixedNow, leaseDuration: 60, limit: 10)
            #expect(leased.filter { $0.messageID == raw.id }.map(\.contentType) == ["application/xml"])
            #expect(leased.filter { $0.messageID == raw.id }.map(\.payload) == [xml])
            #expect(leased.filter { $0.messageID == json.id }.map(\.contentType) == [nil])
            let (_, resend) = try await store.deliveryForResend(
                application: app.id, message: raw.id, endpoint: handedOver.id, now: fixedNow)
            #expect((resend.payload, resend.contentType) == (xml, "application/xml"))
        }
    }
}
