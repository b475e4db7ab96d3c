import ArgumentParser
import Foundation
import HeraldCore
import HeraldStore

/// `herald token …`: manage API tokens.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `herald token create`: makes a token, prints it once; only its hash is stored.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token and print it. It is shown once and stored only as a hash.",
            discussion: """
                Without --app the token has full access. With --app it opens that one application only, as the \
                tokens of POST /api/v1/auth/app-portal-access do: reading it, and what --capabilities allow.
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "A name to recognise the token by.") var name: String = "cli"
        @Option(help: "Limit the token to this application (id or uid).") var app: String?
        @Option(
            help: """
                With --app: comma-separated capabilities (\(ApplicationTokenScope.Capability.allCases.map(\.rawValue)
                .joined(separator: ", "))); default all.
                """)
        var capabilities: String?
        @Option(help: "Make the token stop working after this long (e.g. 12h, 30d); default never.")
        var expiresIn: String?

        func run() async throws {
            if capabilities != nil, app == nil { throw CommandFailure("--capabilities needs --app") }
            let lifetime = try expiresIn.map { text in
                guard let seconds = SettingValues.seconds(text), seconds > 0 else {
                    throw CommandFailure("--expires-in: must be a positive duration such as 12h or 30d, got '\(text)'")
                }
                return seconds
            }
            let token = try await store.withStore(try store.settings(), logger: .quiet) { opened in
                var scope: ApplicationTokenScope?
                if let app {
                    scope = ApplicationTokenScope(
                        application: try await TokenIssuer.applicationID(app, store: opened.store),
                        capabilities: try TokenIssuer.capabilities(capabilities)
                    )
                }
                return try await TokenIssuer.issue(
                    name: name, store: opened.store, scope: scope, lifetime: lifetime)
            }
            print(token)
        }
    }

    /// `herald token list`: every stored token with its state, never the token or its hash.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API tokens: id, name, creation time and whether each is live or revoked.",
            discussion: """
                Tokens themselves are never shown (only their hashes are stored). The admin token from \
                HERALD_ADMIN_TOKEN is not stored and so is not listed.
                """
        )

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tokens = try await store.withStore(try store.settings(), logger: .quiet) { try await $0.store.tokens() }
            print(TokenIssuer.table(tokens), terminator: "")
        }
    }

    /// `herald token revoke <id>`: stops a token from authenticating.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API token by its id, as `herald token list` shows it.",
            discussion: """
                Servers sharing a PostgreSQL store hear of the revocation and refuse the token at once; a server \
                on the SQLite store looks for token changes every second and refuses it within one. \
                Revoking a token that is already revoked changes nothing. An unknown id exits with status 1.
                """
        )

        @OptionGroup var store: StoreOptions
        @Argument(help: "The token's id (tok_…).") var id: String

        func run() async throws {
            let result = try await store.withStore(try store.settings(), logger: .quiet) { opened in
                try await TokenIssuer.revoke(
                    id, store: opened.store, serversRefuse: opened.serversRefuseChangedTokens, now: Date())
            }
            print(result)
        }
    }
}

/// Makes, lists and revokes API tokens; the store keeps only their hashes.
enum TokenIssuer {
    static func issue(
        name: String, store: any Store, scope: ApplicationTokenScope? = nil, lifetime: TimeInterval? = nil
    ) async throws -> String {
        let token = APITokenSecret.generate()
        let now = Date()
        try await store.insertToken(
            APIToken(
                id: Identifier.make(prefix: Identifier.tokenPrefix, milliseconds: now.millisecondsSince1970),
                name: name,
                hash: APITokenSecret.hash(token),
                createdAt: now,
                scope: scope,
                expiresAt: lifetime.map { now.addingTimeInterval($0) }
            )
        )
        return token
    }

    /// The id of the application `key` (an id or uid) names; an unknown one is a ``CommandFailure``.
    static func applicationID(_ key: String, store: any Store) async throws -> String {
        do {
            return try await store.application(key).id
        } catch let error as HeraldError where error.isNotFound {
            throw CommandFailure("no application has the id or uid '\(key)'")
        }
    }

    /// The capabilities named in `list` (comma-separated), all of them for nil; an unknown name is a
    /// ``CommandFailure``.
    static func capabilities(_ list: String?) throws -> Set<ApplicationTokenScope.Capability> {
        guard let list else { return Set(ApplicationTokenScope.Capability.allCases) }
        return Set(
            try list.split(separator: ",").map { name in
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let capability = ApplicationTokenScope.Capability(rawValue: trimmed) else {
                    let known = ApplicationTokenScope.Capability.allCases.map(\.rawValue).joined(separator: ", ")
                    throw CommandFailure("--capabilities: unknown capability '\(trimmed)' (known: \(known))")
                }
                return capability
            })
    }

    /// Revokes the token `id` and says what happened in one line; an unknown id is a ``CommandFailure``.
    /// `serversRefuse`: when running servers refuse the revoked token ("now", "within a second").
    static func revoke(_ id: String, store: any Store, serversRefuse: String, now: Date) async throws -> String {
        guard let before = try await store.tokens().first(where: { $0.id == id }) else {
            throw CommandFailure("no API token has the id '\(id)' (see `herald token list`)")
        }
        if let revokedAt = before.revokedAt {
            return "Token \(id) (\(before.name)) was already revoked at \(timestamp(revokedAt))."
        }
        let revoked = try await store.revokeToken(id, now: now)
        return "Revoked token \(id) (\(revoked.name)). Running servers refuse it \(serversRefuse)."
    }

    /// A table of tokens, one line each after a header line, or a sentence when there are none. SCOPE is `all`
    /// for full access, or the application and capabilities of an application token.
    static func table(_ tokens: [APIToken], now: Date = Date()) -> String {
        guard !tokens.isEmpty else { return "No API tokens.\n" }
        let rows =
            [["ID", "NAME", "CREATED", "SCOPE", "STATE"]]
            + tokens.map { token in
                [token.id, token.name, timestamp(token.createdAt), scope(token), state(token, now: now)]
            }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func scope(_ token: APIToken) -> String {
        guard let scope = token.scope else { return "all" }
        return scope.application + " " + scope.capabilities.sorted().map(\.rawValue).joined(separator: ",")
    }

    private static func state(_ token: APIToken, now: Date) -> String {
        if let revokedAt = token.revokedAt { return "revoked \(timestamp(revokedAt))" }
        guard let expiresAt = token.expiresAt else { return "live" }
        return now < expiresAt ? "live until \(timestamp(expiresAt))" : "expired \(timestamp(expiresAt))"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
