import ArgumentParser
import Logging

/// `herald migrate`: brings the database schema up to date and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let location = try await store.withStore(try store.settings(), logger: .quiet) { $0.location }
        print("\(location) is up to date.")
    }
}

extension Logger {
    /// A logger that drops everything, for short commands whose output is their result.
    static var quiet: Logger { Logger(label: "herald", factory: { _ in SwiftLogNoOpLogHandler() }) }
}
