import ArgumentParser

/// `herald migrate`: brings the database schema up to date and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        _ = try store.openStore()
        print("Database in \(store.resolvedDataDir) is up to date.")
    }
}
