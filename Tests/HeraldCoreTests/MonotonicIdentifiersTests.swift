import HeraldCore
import Testing

@Suite struct MonotonicIdentifiersTests {
    @Test func idsMadeInOneMillisecondSortInTheOrderTheyWereMade() {
        let ids = MonotonicIdentifiers()
        let made = (0..<5_000).map { _ in ids.make(prefix: "msg_", milliseconds: 1_700_000_000_000) }
        #expect(made.sorted() == made)
        #expect(Set(made).count == made.count)
    }

    @Test func aLaterMillisecondStartsFromFreshRandomBitsAndAClockStepBackStillSortsAfter() {
        let ids = MonotonicIdentifiers()
        let first = ids.make(prefix: "msg_", milliseconds: 2_000)
        let later = ids.make(prefix: "msg_", milliseconds: 3_000)
        let stepBack = ids.make(prefix: "msg_", milliseconds: 1_000)
        #expect(first < later && later < stepBack)
        // The later millisecond shows in the id: it is no increment of the first.
        #expect(Identifier.make(prefix: "msg_", milliseconds: 3_000).prefix(12) == later.prefix(12))
    }

    @Test func theRandomBitsCarryIntoTheirHighHalf() {
        // A generator whose low 64 bits are all ones: the next id in that millisecond carries.
        struct AllOnes: RandomNumberGenerator {
            mutating func next() -> UInt64 { .max }
        }
        let ids = MonotonicIdentifiers()
        var generator = AllOnes()
        let first = ids.make(prefix: "x_", milliseconds: 5, using: &generator)
        let second = ids.make(prefix: "x_", milliseconds: 5, using: &generator)
        #expect(first < second)
        var zeros = ZeroGenerator()
        // 48 bits of time, then 0xFFFF + 1 random bits carried: equal to time 6 with zero random bits.
        #expect(second == Identifier.make(prefix: "x_", milliseconds: 6, using: &zeros))
    }

    struct ZeroGenerator: RandomNumberGenerator {
        mutating func next() -> UInt64 { 0 }
    }
}
