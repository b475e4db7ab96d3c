import ArgumentParser
import Foundation
import HeraldStore

/// Where Herald keeps its data; shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the embedded SQLite database (env HERALD_DATA_DIR, default ./herald-data).")
    var dataDir: String?

    var resolvedDataDir: String {
        dataDir ?? ProcessInfo.processInfo.environment["HERALD_DATA_DIR"] ?? "./herald-data"
    }

    /// Opens the store, creating the data directory (mode 0700) and migrating the schema.
    func openStore() throws -> SQLiteStore {
        let directory = resolvedDataDir
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw CommandFailure("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        do {
            return try SQLiteStore(path: (directory as NSString).appendingPathComponent("herald.sqlite"))
        } catch {
            throw CommandFailure("cannot open the database in \(directory): \(error)")
        }
    }
}

/// A failure reported to the person at the terminal as one line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
