import Foundation
import PostgresNIO

/// Where and how ``PostgresStore`` connects, read from a URL such as
/// `postgres://herald:secret@db.internal:5432/herald?sslmode=require&pool_max=20`.
///
/// Accepts the `postgres://` and `postgresql://` schemes. Query parameters:
/// - `sslmode`: `disable`, `prefer` (the default: TLS when the server offers it) or `require` (TLS with the
///   server's certificate verified against the system's trust roots; `verify-full` is the same).
/// - `pool_max`: the most connections this instance opens (default 20); `pool_min`: connections kept open (default 0).
/// - `connect_timeout`: seconds to wait for a connection (default 10).
public struct PostgresStoreConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: PostgresClient.Configuration.TLS
    public var maximumConnections: Int
    public var minimumConnections: Int
    public var connectTimeout: Duration

    /// Parses `url`; throws ``PostgresStoreError`` naming what is wrong (never the password).
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw PostgresStoreError.invalidURL("expected postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.invalidURL("the URL names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw PostgresStoreError.invalidURL("the URL names no user")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.database = database.isEmpty ? username : database
        self.tls = .prefer(.makeClientConfiguration())
        self.maximumConnections = 20
        self.minimumConnections = 0
        self.connectTimeout = .seconds(10)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
                case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
                default: throw PostgresStoreError.invalidURL("sslmode must be disable, prefer or require, got '\(value)'")
                }
            case "pool_max":
                guard let count = Int(value), count > 0 else {
                    throw PostgresStoreError.invalidURL("pool_max must be a positive integer, got '\(value)'")
                }
                maximumConnections = count
            case "pool_min":
                guard let count = Int(value), count >= 0 else {
                    throw PostgresStoreError.invalidURL("pool_min must be a non-negative integer, got '\(value)'")
                }
                minimumConnections = count
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw PostgresStoreError.invalidURL("connect_timeout must be a positive integer, got '\(value)'")
                }
                connectTimeout = .seconds(seconds)
            default:
                throw PostgresStoreError.invalidURL("unknown parameter '\(item.name)'")
            }
        }
        minimumConnections = min(minimumConnections, maximumConnections)
    }

    /// The PostgresNIO client configuration these settings describe.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = minimumConnections
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }
}
