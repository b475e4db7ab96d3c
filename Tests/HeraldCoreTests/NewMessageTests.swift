import Foundation
import HeraldCore
import Testing

@Suite struct NewMessageTests {
    @Test func aDeliveryWaitsForTheLaterOfDeliverAtAndItsEndpointsDeferral() {
        let (early, late) = (Date(timeIntervalSince1970: 100), Date(timeIntervalSince1970: 200))
        let immediate = NewMessage(eventType: "a", payload: [])
        let scheduled = NewMessage(eventType: "a", payload: [], deliverAt: early)
        #expect(immediate.waitsUntil(endpointDeferral: nil) == nil)
        #expect(immediate.waitsUntil(endpointDeferral: late) == late)
        #expect(scheduled.waitsUntil(endpointDeferral: nil) == early)
        #expect(scheduled.waitsUntil(endpointDeferral: late) == late)
        #expect(NewMessage(eventType: "a", payload: [], deliverAt: late).waitsUntil(endpointDeferral: early) == late)
    }
}
