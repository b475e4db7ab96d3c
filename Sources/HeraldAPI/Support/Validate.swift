import Foundation
import HeraldCore
import WebhookSignature

/// Field rules shared by the request models. Each throws a ``ValidationError`` naming the field.
enum Validate {
    /// Checked byte by byte: every allowed character is one ASCII byte, so a valid identifier's UTF-8 length is its
    /// length in characters (a `Set<Character>` lookup hashes each character, a grapheme cluster).
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// uids, event type names and channels: `^[a-zA-Z0-9\-_.]+$`, at most `maximum` characters.
    static func identifier(_ value: String, _ field: [String], maximum: Int = 256) throws {
        guard !value.isEmpty, value.utf8.count <= maximum, value.utf8.allSatisfy(isIdentifierByte) else {
            throw ValidationError(
                ["body"] + field,
                "Must be 1 to \(maximum) characters of letters, digits, '-', '_' or '.'"
            )
        }
    }

    static func nonEmpty(_ value: String, _ field: [String], maximum: Int = 256) throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= maximum else {
            throw ValidationError(["body"] + field, "Must be 1 to \(maximum) characters")
        }
    }

    /// Free text that identifies something (an `eventId`): 1 to `maximum` characters, no control characters.
    static func printable(_ value: String, _ field: [String], maximum: Int = 256) throws {
        try nonEmpty(value, field, maximum: maximum)
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(["body"] + field, "Must not contain control characters")
        }
    }

    static func throttleRate(_ value: Int?, _ field: String = "throttleRate") throws {
        if let value, value < 1 {
            throw ValidationError(["body", field], "Must be at least 1")
        }
    }

    static func url(_ value: String, _ field: String = "url") throws {
        guard value.count <= 65_536, let components = URLComponents(string: value),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw ValidationError(["body", field], "Must be an absolute http or https URL")
        }
    }

    static func eventTypeFilter(_ values: [String]?, _ field: String = "eventTypes") throws {
        guard let values else { return }
        guard !values.isEmpty else { throw ValidationError(["body", field], "Must not be empty; use null for every type") }
        for (index, value) in values.enumerated() { try identifier(value, [field, String(index)]) }
    }

    static func channels(_ values: [String]?, _ field: String = "channels") throws {
        guard let values else { return }
        guard (1...10).contains(values.count) else {
            throw ValidationError(["body", field], "Must hold 1 to 10 channels")
        }
        for (index, value) in values.enumerated() { try identifier(value, [field, String(index)], maximum: 128) }
    }

    static func featureFlags(_ values: [String]?) throws {
        guard let values else { return }
        for (index, value) in values.enumerated() { try identifier(value, ["featureFlags", String(index)]) }
    }

    static func tags(_ values: [String]?) throws {
        guard let values else { return }
        for (index, value) in values.enumerated() { try identifier(value, ["tags", String(index)], maximum: 128) }
    }

    /// Parses an endpoint secret given by a client.
    static func secret(_ value: String, _ field: [String]) throws -> WebhookSecret {
        let secret: WebhookSecret
        do {
            secret = try WebhookSecret(parsing: value)
        } catch {
            throw ValidationError(["body"] + field, "Invalid secret: \(error.description)")
        }
        guard secret.kind != .ed25519Public else {
            throw ValidationError(
                ["body"] + field,
                "A public key (whpk_) cannot sign; give the signing key (whsk_) or an HMAC secret (whsec_)"
            )
        }
        return secret
    }

    /// An endpoint's own retry schedule (`"5s,1m"`); nil means the server's.
    static func retrySchedule(_ text: String?) throws -> [TimeInterval]? {
        guard let text else { return nil }
        do {
            return try RetrySchedule(parsing: text).delays
        } catch {
            throw ValidationError(["body", "retrySchedule"], error.description)
        }
    }

    /// `fifo` or `unordered`; true for FIFO.
    static func ordering(_ text: String?) throws -> Bool {
        switch text {
        case nil, "unordered": return false
        case "fifo": return true
        default: throw ValidationError(["body", "ordering"], "Must be 'fifo' or 'unordered'")
        }
    }

    /// A media type to send as `content-type`: `type/subtype` and parameters, printable ASCII, at most 256 bytes.
    static func contentType(_ value: String, _ field: [String]) throws {
        let printable = value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        guard printable, value.contains("/"), value.utf8.count <= 256 else {
            throw ValidationError(["body"] + field, "Expected a media type such as application/xml")
        }
    }

    static func headers(_ headers: [String: String], _ field: String = "headers") throws {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for (name, value) in headers {
            guard !name.isEmpty, name.allSatisfy(tokenCharacters.contains) else {
                throw ValidationError(["body", field, name], "Not a valid header name")
            }
            guard !Endpoint.isReservedHeader(name) else {
                throw ValidationError(["body", field, name], "This header is set by Herald and cannot be overridden")
            }
            guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw ValidationError(["body", field, name], "Header values may not contain line breaks")
            }
        }
    }
}
