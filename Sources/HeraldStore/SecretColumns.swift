import Foundation
import HeraldCore

/// How an endpoint's sensitive columns are stored at rest, for every store backend: the signing secrets and the
/// custom headers are JSON sealed with the main key (``SecretCipher``), each bound to its column and endpoint id,
/// so a sealed value copied into another row or column does not open.
///
/// The JSON inside is what the columns held before encryption (sorted keys, dates as milliseconds since 1970), so a
/// database written before encryption is upgraded by sealing each plaintext column as it is (``sealLegacy(_:column:endpointID:)``).
public struct SecretColumns: Sendable {
    /// A sealed endpoint column.
    public enum Column: String, Sendable, CaseIterable {
        /// ``EndpointSecrets`` (current and retired signing secrets).
        case secrets
        /// The custom headers sent with every delivery, `[String: String]`.
        case headers
    }

    public let cipher: SecretCipher

    public init(cipher: SecretCipher) {
        self.cipher = cipher
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    public func sealSecrets(_ secrets: EndpointSecrets, endpointID: String) throws -> String {
        try seal(secrets, .secrets, endpointID)
    }

    public func openSecrets(_ stored: String, endpointID: String) throws -> EndpointSecrets {
        try open(EndpointSecrets.self, stored, .secrets, endpointID)
    }

    public func sealHeaders(_ headers: [String: String], endpointID: String) throws -> String {
        try seal(headers, .headers, endpointID)
    }

    public func openHeaders(_ stored: String, endpointID: String) throws -> [String: String] {
        try open([String: String].self, stored, .headers, endpointID)
    }

    /// Seals a column value written before encryption (plaintext JSON), after checking that it decodes.
    public func sealLegacy(_ plaintext: String, column: Column, endpointID: String) throws -> String {
        switch column {
        case .secrets: _ = try Self.decoder.decode(EndpointSecrets.self, from: Data(plaintext.utf8))
        case .headers: _ = try Self.decoder.decode([String: String].self, from: Data(plaintext.utf8))
        }
        return try cipher.seal(plaintext, context: Self.context(column, endpointID))
    }

    /// Whether a stored column value is sealed (false for plaintext JSON left by a database from before encryption).
    public static func isSealed(_ stored: String) -> Bool {
        SecretCipher.isSealed(stored)
    }

    /// The associated data a column value is sealed with: its column and its endpoint.
    static func context(_ column: Column, _ endpointID: String) -> String {
        "endpoint.\(column.rawValue):\(endpointID)"
    }

    private func seal(_ value: some Encodable, _ column: Column, _ endpointID: String) throws -> String {
        let json = String(decoding: try Self.encoder.encode(value), as: UTF8.self)
        return try cipher.seal(json, context: Self.context(column, endpointID))
    }

    private func open<T: Decodable>(_ type: T.Type, _ stored: String, _ column: Column, _ endpointID: String) throws -> T {
        let json = try cipher.open(stored, context: Self.context(column, endpointID))
        return try Self.decoder.decode(T.self, from: Data(json.utf8))
    }
}
