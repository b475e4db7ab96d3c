import Logging

/// Sets up swift-log for the process: once, in `main`, before anything logs.
enum LogSetup {
    /// Makes every `Logger` of the process write to standard error at `level` and above, one line per event:
    /// swift-log's text lines, or one JSON object per line (``JSONLogHandler``) for `json`.
    static func bootstrap(level: Logger.Level, format: HeraldConfiguration.Logs.Format) {
        LoggingSystem.bootstrap(factory(level: level, format: format, sink: .standardError()), metadataProvider: nil)
    }

    /// The handler factory ``bootstrap(level:format:)`` installs, writing to `sink` (tests pass their own).
    static func factory(level: Logger.Level, format: HeraldConfiguration.Logs.Format, sink: LogSink)
        -> @Sendable (String, Logger.MetadataProvider?) -> any LogHandler
    {
        { label, provider in
            var handler: any LogHandler
            switch format {
            case .json:
                handler = JSONLogHandler(label: label, sink: sink, metadataProvider: provider)
            case .text:
                handler = TextLogHandler(label: label, sink: sink, metadataProvider: provider)
            }
            handler.logLevel = level
            return handler
        }
    }
}
