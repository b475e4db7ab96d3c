import HeraldCore
import Testing

@Suite struct IdentifierTests {
    @Test func idsCarryTheirPrefixAndFixedLength() {
        let id = Identifier.make(prefix: Identifier.messagePrefix, milliseconds: 1_700_000_000_000)
        #expect(id.hasPrefix("msg_"))
        #expect(id.count == 4 + 22)
        #expect(Identifier.looksLikeID(id, prefix: "msg_"))
        #expect(!Identifier.looksLikeID(id, prefix: "app_"))
        #expect(!Identifier.looksLikeID("msg_short", prefix: "msg_"))
    }

    @Test func idsSortByTheirMillisecond() {
        let times: [Int64] = [0, 1, 999, 1_000, 1_614_265_330_000, 1_700_000_000_000, 1_700_000_000_001, 281_474_976_710_655]
        let ids = times.map { Identifier.make(prefix: "ep_", milliseconds: $0) }
        #expect(ids == ids.sorted())
    }

    @Test func idsMadeInTheSameMillisecondDiffer() {
        let ids = Set((0..<10_000).map { _ in Identifier.make(prefix: "app_", milliseconds: 42) })
        #expect(ids.count == 10_000)
    }
}
