import Foundation
import HeraldCore
import HeraldPostgres
import HeraldStore
import Logging

/// A command's store: the embedded SQLite database in the data directory, or PostgreSQL when `database-url` is set.
enum OpenedStore: Sendable {
    case sqlite(SQLiteStore)
    case postgres(PostgresStore)

    var store: any Store {
        switch self {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// When running servers stop accepting a token changed through this store: PostgreSQL notifies them, a SQLite
    /// server looks for changes every second.
    var serversRefuseChangedTokens: String {
        if case .postgres = self { "now" } else { "within a second" }
    }

    /// Where the data is, for people (never the password).
    var location: String {
        switch self {
        case .sqlite(let store): store.path
        case .postgres(let store):
            "PostgreSQL database \(store.configuration.database) on \(store.configuration.host):\(store.configuration.port)"
        }
    }
}

extension StoreOptions {
    /// Opens the store `values` select, migrated, and runs `body` with it. For PostgreSQL the connection pool runs
    /// for as long as `body` does, and the schema is migrated first (safe when several instances start at once).
    func withStore<T: Sendable>(
        _ values: SettingValues,
        logger: Logger,
        _ body: (OpenedStore) async throws -> T
    ) async throws -> T {
        guard values.string(.databaseURL) != nil else {
            return try await body(.sqlite(openStore(values)))
        }
        guard let mainKey = try values.parse(.mainKey, { try SecretCipher(base64Key: $0) }) else {
            throw CommandFailure(
                "\(Setting.mainKey.environmentName) must be set with \(Setting.databaseURL.environmentName): every "
                    + "instance needs the same main key to read endpoint secrets (make one with `openssl rand -base64 32`)"
            )
        }
        guard let postgres = try values.parse(.databaseURL, { try PostgresStore(url: $0, cipher: mainKey, logger: logger) })
        else { throw CommandFailure("\(Setting.databaseURL.environmentName) is empty") }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            try await Self.migrate(postgres)
            return try await body(.postgres(postgres))
        }
    }

    /// Migrates the schema, or fails with one line when the server cannot be reached in time (the pool would
    /// otherwise keep retrying the connection for ever).
    private static func migrate(_ postgres: PostgresStore) async throws {
        let configuration = postgres.configuration
        let patience = configuration.connectTimeout + .seconds(5)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await postgres.migrate()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw CommandFailure("cannot migrate the PostgreSQL database: \(error)")
                }
            }
            group.addTask {
                try await Task.sleep(for: patience)
                throw CommandFailure(
                    "cannot reach PostgreSQL at \(configuration.host):\(configuration.port) (gave up after \(patience))")
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
