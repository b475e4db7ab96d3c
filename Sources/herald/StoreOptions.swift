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

extension StoreOptions {
    /// This data directory's delivery-lease owner name, kept in `instance-id` so that a restarted process takes
    /// back the deliveries it held when it stopped.
    func instanceID() throws -> String {
        let file = (resolvedDataDir as NSString).appendingPathComponent("instance-id")
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
