/// Reads HTTP headers saved as text, one `Name: value` per line, as `curl -D`, browser tools and proxy logs save them.
///
/// Request and status lines (`POST /hook HTTP/1.1`, `HTTP/1.1 200 OK`), blank lines and `#` comments are skipped;
/// a line starting with a space or tab continues the previous header. Names are lowercased; a later header of
/// the same name replaces an earlier one.
enum HeaderLines {
    /// The headers in `text`; `source` names the text in errors (a file name).
    static func parse(_ text: String, source: String) throws -> [String: String] {
        var headers: [String: String] = [:]
        var last: String?
        // Splitting on Character.isNewline handles LF and CRLF alike ("\r\n" is one Character in Swift).
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.trimmingSpaces.isEmpty || line.hasPrefix("#") || isStartLine(line) {
                last = nil
                continue
            }
            if line.first == " " || line.first == "\t", let name = last {
                headers[name, default: ""] += " " + line.trimmingSpaces
                continue
            }
            let (name, value) = try header(line, where: "line \(index + 1) of \(source)")
            headers[name] = value
            last = name
        }
        return headers
    }

    /// One `Name: value` header, as given to `--header`.
    static func header(_ text: some StringProtocol, where place: String) throws -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":") else {
            throw CommandFailure("\(place) is not a 'Name: value' header")
        }
        let name = text[..<colon].trimmingSpaces
        guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else {
            throw CommandFailure("\(place) has no valid header name before ':'")
        }
        return (name.lowercased(), text[text.index(after: colon)...].trimmingSpaces)
    }

    /// `HTTP/1.1 200 OK` or `POST /path HTTP/1.1`.
    private static func isStartLine(_ line: some StringProtocol) -> Bool {
        if line.hasPrefix("HTTP/") { return true }
        let words = line.split(separator: " ")
        return words.count == 3 && words[2].hasPrefix("HTTP/") && words[0].allSatisfy { $0.isASCII && $0.isUppercase }
    }

    /// RFC 9110 token characters, which header names are made of.
    private static func isTokenCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let ascii = character.asciiValue else { return false }
        return character.isLetter || character.isNumber || "!#$%&'*+-.^_`|~".utf8.contains(ascii)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
