import Foundation
import HeraldCore

/// The values of Herald's settings from their three sources, with the precedence flag > environment > file. Every
/// typed accessor names the setting as the person wrote it (`--port`, `HERALD_PORT` or `port` in the file) when the
/// value is bad.
struct SettingValues: Sendable {
    /// Where a value came from, for error messages.
    struct Origin: Sendable, CustomStringConvertible {
        let description: String
    }

    private let flags: [String: String]
    private let environment: [String: String]
    private let file: ConfigFile?

    /// Reads the config file named by `flags["config"]` or `HERALD_CONFIG` (if any) and refuses keys it does not know.
    init(flags: [String: String], environment: [String: String]) throws {
        self.flags = flags.filter { !$0.value.isEmpty }
        self.environment = environment
        let configPath = flags["config"] ?? environment[Setting.config.environmentName].flatMap { $0.isEmpty ? nil : $0 }
        if let configPath {
            let file = try ConfigFile(path: configPath)
            let known = Set(Setting.all.map(\.key)).subtracting([Setting.config.key])
            if let (key, entry) = file.entries.sorted(by: { $0.value.line < $1.value.line }).first(where: {
                !known.contains($0.key)
            }) {
                throw CommandFailure("\(configPath):\(entry.line): unknown setting '\(key)'")
            }
            self.file = file
        } else {
            file = nil
        }
    }

    /// `HERALD_*` variables that name no setting (likely typos), for a warning at start.
    var unknownEnvironmentNames: [String] {
        let known = Set(Setting.all.map(\.environmentName))
        return environment.keys.filter { $0.hasPrefix("HERALD_") && !known.contains($0) }.sorted()
    }

    /// The raw text of `setting` and where it came from; nil when no source sets it (or sets it empty).
    func raw(_ setting: Setting) -> (text: String, origin: Origin)? {
        if let text = flags[setting.key] {
            return (text, Origin(description: setting.flag))
        }
        if let text = environment[setting.environmentName], !text.trimmingCharacters(in: .whitespaces).isEmpty {
            return (text, Origin(description: setting.environmentName))
        }
        if let file, let entry = file.entries[setting.key], !entry.text.isEmpty {
            return (entry.text, Origin(description: "\(setting.key) (\(file.path):\(entry.line))"))
        }
        return nil
    }

    func string(_ setting: Setting) -> String? {
        raw(setting).map { $0.text.trimmingCharacters(in: .whitespaces) }
    }

    /// Parses the value with `transform`; an error it throws becomes one line naming the setting.
    func parse<T>(_ setting: Setting, _ transform: (String) throws -> T?) throws -> T? {
        guard let (text, origin) = raw(setting) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let value: T?
        do {
            value = try transform(trimmed)
        } catch let error as CommandFailure {
            throw CommandFailure("\(origin): \(error.description)")
        } catch {
            throw CommandFailure("\(origin): \(error)")
        }
        guard let value else { throw CommandFailure("\(origin): bad value '\(trimmed)'") }
        return value
    }

    func integer(_ setting: Setting, in range: ClosedRange<Int>) throws -> Int? {
        try parse(setting) { text in
            guard let number = Int(text), range.contains(number) else {
                let bound =
                    range.upperBound == .max
                    ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
                throw CommandFailure("must be an integer \(bound), got '\(text)'")
            }
            return number
        }
    }

    /// Seconds from `15`, `15s`, `500ms`, `2m`, `3h` or `5d`.
    func duration(_ setting: Setting, positive: Bool = false) throws -> TimeInterval? {
        try parse(setting) { text in
            guard let seconds = Self.seconds(text), !positive || seconds > 0 else {
                let qualifier = positive ? "a positive" : "a"
                throw CommandFailure("must be \(qualifier) duration such as 15s, 500ms, 2m, 3h or 5d, got '\(text)'")
            }
            return seconds
        }
    }

    func toggle(_ setting: Setting) throws -> Bool? {
        try parse(setting) { text in
            switch text.lowercased() {
            case "on", "true", "1", "yes": return true
            case "off", "false", "0", "no": return false
            default: throw CommandFailure("must be on or off, got '\(text)'")
            }
        }
    }

    /// One of `choices`, compared case-insensitively.
    func choice(_ setting: Setting, _ choices: [String]) throws -> String? {
        try parse(setting) { text in
            guard let match = choices.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
                throw CommandFailure("must be one of \(choices.joined(separator: ", ")), got '\(text)'")
            }
            return match
        }
    }

    static func seconds(_ text: String) -> TimeInterval? {
        if let seconds = Double(text), seconds >= 0, seconds.isFinite { return seconds }
        if text.hasSuffix("d"), let days = Double(text.dropLast()), days >= 0, days.isFinite { return days * 86_400 }
        guard let schedule = try? RetrySchedule(parsing: text), schedule.delays.count == 1 else { return nil }
        return schedule.delays[0]
    }
}
