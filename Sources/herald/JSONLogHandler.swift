import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes each event as one JSON object on one line:
/// `{"timestamp":"…","level":"info","label":"herald","message":"…","metadata":{…}}`.
///
/// Strings are escaped, so a message or value with a newline still makes one line. Metadata merges the handler's,
/// the metadata provider's and the event's (the event's wins), plus the event's error as `error` if it has one.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let sink: LogSink
    private let now: @Sendable () -> Date

    init(
        label: String,
        sink: LogSink,
        metadataProvider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
        self.now = now
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = event.metadata(over: metadata, provider: metadataProvider)
        var line = "{\"timestamp\":"
        Self.append(string: Self.timestamp(now()), to: &line)
        line += ",\"level\":"
        Self.append(string: event.level.rawValue, to: &line)
        line += ",\"label\":"
        Self.append(string: label, to: &line)
        line += ",\"message\":"
        Self.append(string: event.message.description, to: &line)
        if !merged.isEmpty {
            line += ",\"metadata\":"
            Self.append(.dictionary(merged), to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    /// ISO 8601 UTC with milliseconds, as the API writes dates.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func append(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let text):
            append(string: text, to: &line)
        case .stringConvertible(let convertible):
            append(string: convertible.description, to: &line)
        case .array(let items):
            line += "["
            for (index, item) in items.enumerated() {
                if index > 0 { line += "," }
                append(item, to: &line)
            }
            line += "]"
        case .dictionary(let members):
            line += "{"
            // Sorted, so the same metadata always reads the same.
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                append(string: key, to: &line)
                line += ":"
                append(members[key]!, to: &line)
            }
            line += "}"
        }
    }

    /// Appends `text` as a JSON string literal.
    static func append(string text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                line += String(format: "\\u%04x", scalar.value)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}

extension LogEvent {
    /// The metadata of a line: the handler's, the provider's and the event's (the event's wins), plus the event's
    /// error as `error` if it has one.
    func metadata(over base: Logger.Metadata, provider: Logger.MetadataProvider?) -> Logger.Metadata {
        var merged = base
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let own = metadata { merged.merge(own) { _, new in new } }
        if let error { merged["error"] = "\(error)" }
        return merged
    }
}

/// Where log lines go: standard error by default. One line is one write, under a lock, so lines never interleave.
final class LogSink: Sendable {
    private let lock = Mutex(())
    private let output: @Sendable (String) -> Void

    init(_ output: @escaping @Sendable (String) -> Void) {
        self.output = output
    }

    /// Standard error, unbuffered.
    static func standardError() -> LogSink {
        LogSink { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    func write(_ line: String) {
        lock.withLock { _ in output(line) }
    }
}
