import Logging
import Testing

@testable import herald

@Suite struct TextLogHandlerTests {
    @Test func aLineCarriesLevelLabelSortedMetadataSourceAndMessage() throws {
        let lines = JSONLogHandlerTests.Lines()
        let factory = LogSetup.factory(level: .info, format: .text, sink: lines.sink)
        var logger = Logger(label: "herald.test", factory: { factory($0, nil) })
        logger[metadataKey: "zone"] = "eu"
        logger[metadataKey: "app"] = "app_1"
        logger.info("delivered", metadata: ["attempt": "2"])
        logger.debug("below the level")
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(line.hasSuffix(" info herald.test: app=app_1 attempt=2 zone=eu [heraldTests] delivered\n"))
        // 2026-11-30T17:21:01+0000
        let timestamp = line.prefix(while: { $0 != " " })
        #expect(timestamp.count == 24)
        #expect(timestamp.dropFirst(10).first == "T")
    }

    @Test func metadataSetAfterALineShowsInTheNextOnly() throws {
        let lines = JSONLogHandlerTests.Lines()
        let factory = LogSetup.factory(level: .info, format: .text, sink: lines.sink)
        var logger = Logger(label: "herald.test", factory: { factory($0, nil) })
        logger.info("first")
        logger[metadataKey: "request"] = "r1"
        logger.info("second")
        #expect(lines.all.count == 2)
        #expect(lines.all[0].hasSuffix(" herald.test: [heraldTests] first\n"))
        #expect(lines.all[1].hasSuffix(" herald.test: request=r1 [heraldTests] second\n"))
    }
}
