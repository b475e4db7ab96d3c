import Foundation

/// A Herald config file: flat TOML, one `key = value` per line, `#` comments. Values are strings (`"…"` or `'…'`),
/// integers, floats, booleans, or one-line arrays of those (read as a comma-separated list). Tables are refused:
/// every key is a top-level setting.
struct ConfigFile: Sendable {
    /// A value as text, with the line it came from.
    struct Entry: Sendable, Equatable {
        var text: String
        var line: Int
    }

    let path: String
    private(set) var entries: [String: Entry] = [:]

    /// Reads and parses `path`; any problem is one line that names the file and line.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read config file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure("config file \(path) is not UTF-8 text")
        }
        try self.init(path: path, text: text)
    }

    init(path: String, text: String) throws {
        self.path = path
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            var scanner = ConfigLineScanner(Substring(rawLine))
            scanner.skipBlanks()
            if scanner.atEndOrComment { continue }
            do {
                if scanner.peek == "[" {
                    throw ConfigSyntaxError("tables are not supported; write every setting as a top-level key")
                }
                let key = try scanner.key()
                scanner.skipBlanks()
                try scanner.expect("=")
                scanner.skipBlanks()
                let value = try scanner.value()
                scanner.skipBlanks()
                guard scanner.atEndOrComment else { throw ConfigSyntaxError("unexpected text after the value") }
                guard entries[key] == nil else { throw ConfigSyntaxError("key '\(key)' is set twice") }
                entries[key] = Entry(text: value, line: line)
            } catch let error as ConfigSyntaxError {
                throw CommandFailure("\(path):\(line): \(error.message)")
            }
        }
    }
}

struct ConfigSyntaxError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Reads one line of a config file.
private struct ConfigLineScanner {
    private var rest: Substring

    init(_ line: Substring) {
        rest = line.last == "\r" ? line.dropLast() : line
    }

    var peek: Character? { rest.first }
    var atEndOrComment: Bool { rest.isEmpty || rest.first == "#" }

    mutating func skipBlanks() {
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
    }

    mutating func expect(_ character: Character) throws {
        guard rest.first == character else { throw ConfigSyntaxError("expected '\(character)'") }
        rest = rest.dropFirst()
    }

    /// A bare key (letters, digits, `-`, `_`) or a quoted one.
    mutating func key() throws -> String {
        if rest.first == "\"" || rest.first == "'" { return try string() }
        let key = rest.prefix(while: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        guard !key.isEmpty else { throw ConfigSyntaxError("expected a key") }
        rest = rest.dropFirst(key.count)
        return String(key)
    }

    mutating func value() throws -> String {
        switch rest.first {
        case "\"", "'":
            return try string()
        case "[":
            rest = rest.dropFirst()
            var items: [String] = []
            while true {
                skipBlanks()
                if rest.first == "]" { break }
                items.append(try value())
                skipBlanks()
                if rest.first == "," {
                    rest = rest.dropFirst()
                    continue
                }
                guard rest.first == "]" else { throw ConfigSyntaxError("expected ',' or ']' in the array") }
            }
            rest = rest.dropFirst()
            return items.joined(separator: ",")
        default:
            let word = rest.prefix(while: { !$0.isWhitespace && $0 != "#" && $0 != "," && $0 != "]" })
            guard !word.isEmpty else { throw ConfigSyntaxError("expected a value") }
            let text = String(word)
            let digits = text.replacingOccurrences(of: "_", with: "")
            guard text == "true" || text == "false" || Int(digits) != nil || Double(digits) != nil else {
                throw ConfigSyntaxError("'\(text)' is not a TOML value; put text in quotes")
            }
            rest = rest.dropFirst(word.count)
            return text == "true" || text == "false" ? text : digits
        }
    }

    /// A basic (`"…"`, with escapes) or literal (`'…'`) string.
    private mutating func string() throws -> String {
        let quote = rest.removeFirst()
        var result = ""
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == quote { return result }
            if character == "\\" && quote == "\"" {
                guard let escaped = rest.first else { break }
                rest = rest.dropFirst()
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "u":
                    let hex = rest.prefix(4)
                    guard hex.count == 4, let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) else {
                        throw ConfigSyntaxError("bad \\u escape")
                    }
                    rest = rest.dropFirst(4)
                    result.unicodeScalars.append(scalar)
                default: throw ConfigSyntaxError("unknown escape \\\(escaped)")
                }
            } else {
                result.append(character)
            }
        }
        throw ConfigSyntaxError("unterminated string")
    }
}
