import Testing

@testable import HeraldCore

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

    /// Fixed random bits give a fixed id: 48 bits of time, then 80 random bits, in base 62 (values from Python).
    @Test func theEncodingIsBase62OfTimeThenRandomBits() {
        struct Fixed: RandomNumberGenerator {
            var values: [UInt64]
            mutating func next() -> UInt64 { values.removeFirst() }
        }
        let cases: [(Int64, [UInt64], String)] = [
            (1_700_000_000_000, [0x1234_5678_9ABC_DEF0, 0xFEDC_BA98_7654_3210], "02usyDNXBuUvc7vYnZfupE"),
            (0xFFFF_FFFF_FFFF, [.max, .max], "7n42DGM5Tflk9n8mt7Fhc7"),
            (0, [0, 0], "0000000000000000000000"),
        ]
        for (milliseconds, values, expected) in cases {
            var generator = Fixed(values: values)
            #expect(Identifier.make(prefix: "x_", milliseconds: milliseconds, using: &generator) == "x_" + expected)
        }
    }

    @Test func theLowerBoundOfAMillisecondSortsBetweenItsIDsAndTheEarlierOnes() {
        let bound = Identifier.lowerBound(prefix: "msg_", milliseconds: 1_700_000_000_000)
        #expect(Identifier.looksLikeID(bound, prefix: "msg_"))
        for _ in 0..<1_000 {
            #expect(Identifier.make(prefix: "msg_", milliseconds: 1_699_999_999_999) < bound)
            #expect(Identifier.make(prefix: "msg_", milliseconds: 1_700_000_000_000) >= bound)
            #expect(Identifier.make(prefix: "msg_", milliseconds: 1_700_000_000_001) > bound)
        }
        #expect(Identifier.lowerBound(prefix: "x_", milliseconds: 0) == "x_" + String(repeating: "0", count: 22))
    }

    @Test func idsMadeInTheSameMillisecondDiffer() {
        let ids = Set((0..<10_000).map { _ in Identifier.make(prefix: "app_", milliseconds: 42) })
        #expect(ids.count == 10_000)
    }

    @Test func theRandomBitsOfAnIDComeFromTheSystemFreshEachTime() {
        var first = Identifier.TwoDraws()
        var second = Identifier.TwoDraws()
        // Two draws from one call, a third from the system generator, and other bits for the next id.
        let draws = [first.next(), first.next(), first.next(), second.next(), second.next()]
        #expect(Set(draws).count == 5)
        #expect(!draws.contains(0))
    }

    @Test func theReserveNeverHandsOutTheSameBitsTwice() {
        // 3,000 pairs: the 4 KiB reserve (256 pairs) is drawn again eleven times on the way.
        let words = (0..<3_000).flatMap { _ in
            let (a, b) = RandomReserve.shared.take()
            return [a, b]
        }
        #expect(Set(words).count == words.count)
    }
}
