import ArgumentParser
import Foundation

/// `herald config …`: check a configuration and print the settings reference.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check Herald's configuration or print the reference of every setting.",
        discussion: """
            Every setting has one name everywhere: `key = value` in the config file (flat TOML, given with --config \
            or HERALD_CONFIG), HERALD_KEY in the environment (upper case, '-' as '_') and --key on the command line. \
            A flag wins over the environment, the environment over the file, the file over the default.
            """,
        subcommands: [Check.self, Reference.self]
    )

    /// `herald config check`: loads every source as `serve` would and prints the result.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate flags, environment and config file as `serve` would, and print the effective settings."
        )

        @OptionGroup var options: ServeOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let values = try store.settings(adding: options.flagValues)
            _ = try HeraldConfiguration(values)
            for setting in Setting.all where setting != .config {
                if let (text, origin) = values.raw(setting) {
                    let shown = setting.isSecret ? "(set, hidden)" : text
                    print("\(setting.key) = \(shown)    # from \(origin)")
                } else {
                    print("\(setting.key) = \(setting.defaultValue)    # default")
                }
            }
            for name in values.unknownEnvironmentNames {
                print("warning: \(name) names no setting and is ignored")
            }
        }
    }

    /// `herald config reference`: the Markdown table the README's configuration section is checked against.
    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting as a Markdown table: key, environment variable, default, meaning."
        )

        func run() throws {
            print(ConfigCommand.referenceTable())
        }
    }

    static func referenceTable() -> String {
        var lines = [
            "| file key / flag | environment | default | meaning |",
            "|---|---|---|---|",
        ]
        for setting in Setting.all {
            let flag = setting == .delivery ? "`delivery` / `--[no-]delivery`" : "`\(setting.key)` / `\(setting.flag)`"
            lines.append("| \(flag) | `\(setting.environmentName)` | `\(setting.defaultValue)` | \(setting.summary) |")
        }
        return lines.joined(separator: "\n")
    }
}
