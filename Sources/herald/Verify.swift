import ArgumentParser
import Foundation

/// `herald verify`: checks the signature of a delivery saved to files.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the Standard Webhooks signature of a saved delivery: payload, headers and secret.",
        discussion: """
            Prints `verified` and exits 0 when a signature matches, else prints one line with the reason and exits 1.
            The payload must be the request body byte for byte (an editor that adds a final newline breaks it).
            Headers come from --headers (a file with one 'Name: value' per line, as `curl -D` or a proxy log \
            saves them; request and status lines are skipped) and from --header, which wins. webhook-id, \
            webhook-timestamp and webhook-signature are read, or their svix- forms.

            Example:
              herald verify --secret whsec_… --payload body.json --headers headers.txt --ignore-timestamp
            """
    )

    @Option(
        name: .customLong("secret"),
        help:
            "The endpoint's secret: whsec_… (HMAC) or whpk_… (Ed25519 public key). Repeat for old and new. Env \(SignatureCheck.secretVariable)."
    )
    var secrets: [String] = []
    @Option(help: "File holding the raw request body, or - for standard input.") var payload: String
    @Option(name: .customLong("header"), help: "A header as 'Name: value'. Repeatable; wins over --headers.")
    var headerFlags: [String] = []
    @Option(name: .customLong("headers"), help: "File of headers, one 'Name: value' per line.") var headersFile: String?
    @Option(help: "How far the timestamp may be from now: 300, 30s, 5m, 1h.") var tolerance: String = "5m"
    @Flag(help: "Accept any timestamp age, for a delivery saved long ago (the signature still covers the timestamp).")
    var ignoreTimestamp = false

    func run() async throws {
        let check = try SignatureCheck(
            secretTexts: secrets,
            environment: ProcessInfo.processInfo.environment,
            tolerance: try toleranceDuration(),
            ignoresTimestamp: ignoreTimestamp
        )
        guard check.canVerify else {
            throw CommandFailure("no secret: pass --secret or set \(SignatureCheck.secretVariable)")
        }
        try Self.verify(check, headers: try headers(), payload: try payloadBytes())
        print("verified")
    }

    /// Passes when the delivery verifies, else throws a one-line ``CommandFailure``.
    static func verify(_ check: SignatureCheck, headers: [String: String], payload: [UInt8], now: Date = Date()) throws {
        do {
            try check.verify(headers: headers, payload: payload, now: now)
        } catch {
            throw CommandFailure("not verified: \(check.reason(error))")
        }
    }

    private func toleranceDuration() throws -> Duration {
        guard let seconds = Self.seconds(tolerance) else {
            throw CommandFailure("--tolerance must be a duration such as 300, 30s, 5m or 1h, got '\(tolerance)'")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Seconds from `300`, `500ms`, `30s`, `5m`, `1h` or `2d`; nil for anything else or a negative amount.
    static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        let unit = units.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil }
        guard let number = Double(text.dropLast(unit?.suffix.count ?? 0)), number >= 0, number.isFinite else {
            return nil
        }
        return number * (unit?.seconds ?? 1)
    }

    private func headers() throws -> [String: String] {
        var headers: [String: String] = [:]
        if let headersFile {
            let text: String
            do {
                text = try String(contentsOfFile: headersFile, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read headers file \(headersFile): \(error.localizedDescription)")
            }
            headers = try HeaderLines.parse(text, source: headersFile)
        }
        for flag in headerFlags {
            let (name, value) = try HeaderLines.header(flag, where: "--header '\(flag)'")
            headers[name] = value
        }
        return headers
    }

    private func payloadBytes() throws -> [UInt8] {
        if payload == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: payload)))
        } catch {
            throw CommandFailure("cannot read payload file \(payload): \(error.localizedDescription)")
        }
    }
}
