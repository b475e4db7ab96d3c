import ArgumentParser
import Foundation
import HeraldCore
import HeraldStore

/// `herald token …`: manage API tokens.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens.",
        subcommands: [Create.self]
    )

    /// `herald token create`: makes a token, prints it once; only its hash is stored.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token and print it. It is shown once and stored only as a hash."
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "A name to recognise the token by.") var name: String = "cli"

        func run() async throws {
            let token = try await TokenIssuer.issue(name: name, store: store.openStore())
            print(token)
        }
    }
}

/// Makes API tokens and stores their hashes.
enum TokenIssuer {
    static func issue(name: String, store: any Store) async throws -> String {
        let token = APITokenSecret.generate()
        let now = Date()
        try await store.insertToken(
            APIToken(
                id: Identifier.make(prefix: Identifier.tokenPrefix, milliseconds: Int64(now.timeIntervalSince1970 * 1000)),
                name: name,
                hash: APITokenSecret.hash(token),
                createdAt: now
            )
        )
        return token
    }
}
