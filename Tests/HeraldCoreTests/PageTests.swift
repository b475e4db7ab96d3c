import HeraldCore
import Testing

@Suite struct PageTests {
    @Test func firstPageWithMoreRowsHasAnIteratorAndIsNotDone() {
        let request = PageRequest(limit: 2, iterator: nil, order: .ascending)
        let page = Page(fetched: ["a", "b", "c"], request: request, key: { $0 })
        #expect(page.items == ["a", "b"])
        #expect(page.iterator == "b")
        #expect(page.prevIterator == "-a")
        #expect(!page.done)
    }

    @Test func lastPageIsDoneWithANullIterator() {
        let request = PageRequest(limit: 2, iterator: "b", order: .ascending)
        let page = Page(fetched: ["c"], request: request, key: { $0 })
        #expect(page.items == ["c"])
        #expect(page.iterator == nil)
        #expect(page.done)
    }

    @Test func backwardsPageIsReturnedInListOrder() {
        let request = PageRequest(limit: 2, iterator: "-c", order: .ascending)
        #expect(request.backwards && request.cursor == "c")
        // Rows come nearest-first when paging backwards.
        let page = Page(fetched: ["b", "a"], request: request, key: { $0 })
        #expect(page.items == ["a", "b"])
        #expect(page.iterator == "b")
        #expect(page.prevIterator == nil)
    }
}
