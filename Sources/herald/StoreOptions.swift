import ArgumentParser
import Foundation
import HeraldCore
import HeraldStore

/// Where Herald keeps its data; shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(Setting.config.help)) var config: String?
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(Setting.dataDir.help)) var dataDir: String?
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(Setting.databaseURL.help + " Prefer the environment: flags show in the process list."))
    var databaseURL: String?
    @Option(
        name: .customLong("main-key"),
        help: ArgumentHelp(Setting.mainKey.help + " Prefer the environment: flags show in the process list."))
    var mainKey: String?

    /// The flags given here, by setting key.
    var flagValues: [String: String] {
        var values: [String: String] = [:]
        values[Setting.config.key] = config
        values[Setting.dataDir.key] = dataDir
        values[Setting.databaseURL.key] = databaseURL
        values[Setting.mainKey.key] = mainKey
        return values
    }

    /// Every source of settings for a command: these flags plus the command's own `flags`, the environment and the
    /// config file.
    func settings(
        adding flags: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SettingValues {
        try SettingValues(flags: flagValues.merging(flags) { own, _ in own }, environment: environment)
    }

    var resolvedDataDir: String {
        (try? settings().string(.dataDir)) ?? "./herald-data"
    }

    /// Opens the store, creating the data directory (mode 0700) and migrating the schema.
    ///
    /// The main key that seals endpoint secrets comes from the `main-key` setting (base64 of 32 bytes), else
    /// from `<data-dir>/main.key`, made on first start (see ``MainKeyFile``). A key that does not open the secrets
    /// already stored stops the command with one line.
    func openStore(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SQLiteStore {
        try openStore(try settings(environment: environment))
    }

    func openStore(_ values: SettingValues) throws -> SQLiteStore {
        let directory = values.string(.dataDir) ?? "./herald-data"
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw CommandFailure("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent("herald.sqlite")
        let keyFile = MainKeyFile(dataDirectory: directory)
        let cipher: SecretCipher
        let source: String
        var createdKeyFile = false
        if let key = try values.parse(.mainKey, { try SecretCipher(base64Key: $0) }) {
            cipher = key
            source = values.raw(.mainKey).map { "\($0.origin)" } ?? Setting.mainKey.environmentName
        } else {
            (cipher, createdKeyFile) = try keyFile.loadOrCreate()
            source = keyFile.path
        }
        do {
            return try SQLiteStore(path: path, cipher: cipher)
        } catch let error as SecretCipherError {
            guard !createdKeyFile else {
                // The key was made just now for a database sealed under another one: leave no useless key behind.
                keyFile.remove()
                throw CommandFailure(
                    "\(keyFile.path) is missing but \(path) holds secrets sealed with another main key (\(error)); "
                        + "restore the original main.key or set \(Self.mainKeyVariable)")
            }
            throw CommandFailure("the main key from \(source) does not open the endpoint secrets in \(path): \(error)")
        } catch {
            throw CommandFailure("cannot open the database in \(directory): \(error)")
        }
    }

    /// The environment variable that holds the main key (it wins over the key file).
    static let mainKeyVariable = Setting.mainKey.environmentName
}

extension StoreOptions {
    /// This data directory's delivery-lease owner name, kept in `instance-id` so that a restarted process takes
    /// back the deliveries it held when it stopped.
    func instanceID(_ values: SettingValues) throws -> String {
        let file = ((values.string(.dataDir) ?? "./herald-data") as NSString).appendingPathComponent("instance-id")
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { return id }
        }
        let id = "herald-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        do {
            try id.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot write \(file): \(error.localizedDescription)")
        }
        return id
    }
}

/// A failure reported to the person at the terminal as one line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
