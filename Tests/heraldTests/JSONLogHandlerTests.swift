import Foundation
import Logging
import Synchronization
import Testing

@testable import herald

@Suite struct JSONLogHandlerTests {
    /// A logger whose JSON lines are collected in memory.
    final class Lines: Sendable {
        final class Storage: Sendable {
            let lines = Mutex<[String]>([])
        }

        private let storage: Storage
        let sink: LogSink
        var all: [String] { storage.lines.withLock { $0 } }

        init() {
            let storage = Storage()
            self.storage = storage
            sink = LogSink { line in storage.lines.withLock { $0.append(line) } }
        }

        func logger(level: Logger.Level = .info, provider: Logger.MetadataProvider? = nil) -> Logger {
            let factory = LogSetup.factory(level: level, format: .json, sink: sink)
            return Logger(label: "herald.test", factory: { factory($0, provider) })
        }

        /// Each line parsed as a JSON object.
        func objects() throws -> [[String: Any]] {
            try all.map { line in
                try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
            }
        }
    }

    @Test func eachEventIsOneJSONObjectOnOneLine() throws {
        let lines = Lines()
        var logger = lines.logger()
        logger[metadataKey: "instance"] = "herald-1"
        logger.info("Delivered\nwith \"quotes\" and \\ and \u{1}", metadata: ["attempts": "3", "nested": ["a": ["1", "2"]]])
        logger.warning("Second")

        #expect(lines.all.count == 2)
        for line in lines.all {
            #expect(line.hasSuffix("}\n"))
            #expect(line.dropLast().contains("\n") == false, "one line per event: \(line)")
        }
        let objects = try lines.objects()
        let first = objects[0]
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "herald.test")
        #expect(first["message"] as? String == "Delivered\nwith \"quotes\" and \\ and \u{1}")
        let timestamp = try #require(first["timestamp"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(timestamp)")
        let metadata = try #require(first["metadata"] as? [String: Any])
        #expect(metadata["instance"] as? String == "herald-1")
        #expect(metadata["attempts"] as? String == "3")
        #expect((metadata["nested"] as? [String: Any])?["a"] as? [String] == ["1", "2"])
        #expect(objects[1]["level"] as? String == "warning")
        // The logger's own metadata goes with every event.
        #expect(objects[1]["metadata"] as? [String: String] == ["instance": "herald-1"])
    }

    @Test func eventsBelowTheLevelAreDropped() throws {
        let lines = Lines()
        let logger = lines.logger(level: .warning)
        logger.info("quiet")
        logger.debug("quieter")
        logger.error("loud")
        #expect(try lines.objects().map { $0["message"] as? String } == ["loud"])
    }

    @Test func eventMetadataWinsOverProviderAndHandlerMetadata() throws {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["request": "r-1", "source": "provider"] }
        var logger = lines.logger(provider: provider)
        logger[metadataKey: "source"] = "handler"
        logger.notice("merged", metadata: ["source": "event"])
        let metadata = try #require(try lines.objects().first?["metadata"] as? [String: Any])
        #expect(metadata["request"] as? String == "r-1")
        #expect(metadata["source"] as? String == "event")
    }

    @Test func jsonStringEscapingMatchesFoundation() throws {
        let samples = ["plain", "tab\there", "é ü 😀", "\u{0}\u{1f}", "line\u{2028}separator", "</script>"]
        for sample in samples {
            var literal = ""
            JSONLogHandler.append(string: sample, to: &literal)
            let decoded = try JSONDecoder().decode(String.self, from: Data(literal.utf8))
            #expect(decoded == sample)
        }
    }
}
