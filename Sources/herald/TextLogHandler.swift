import Foundation
import Logging

/// swift-log's text lines, as its `StreamLogHandler` writes them:
/// `2026-11-30T17:21:01+0000 info herald: key=value [module] message`.
///
/// `StreamLogHandler` renders its metadata to text on every change, and Hummingbird sets a request id on the logger
/// of every request: 1.5% of a message create's CPU, for lines that are almost never written. This one renders
/// metadata only into a line it writes.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let sink: LogSink

    init(label: String, sink: LogSink, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = event.metadata(over: metadata, provider: metadataProvider)
        var line = Self.timestamp() + " \(event.level)" + (label.isEmpty ? "" : " ") + label + ":"
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        line += " [\(event.source)] \(event.message)\n"
        sink.write(line)
    }

    /// Local time to the second with the UTC offset, as `strftime`'s `%Y-%m-%dT%H:%M:%S%z`.
    private static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
