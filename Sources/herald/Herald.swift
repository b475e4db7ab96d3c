import ArgumentParser
import Foundation

/// The `herald` command: the service and the tools around it.
@main
struct Herald: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald delivers your events as signed webhooks to every endpoint that subscribed to them.",
        version: version,
        subcommands: [Serve.self, ConfigCommand.self, Migrate.self, Prune.self, TokenCommand.self, Listen.self, Verify.self]
    )

    /// Runs the command, turning any escaping error into one line on stderr and exit status 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let exit = error as? ExitCode {
                Foundation.exit(exit.rawValue)
            }
            let code = exitCode(for: error)
            if code == .success || code == .validationFailure {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data("herald: \(describe(error))\n".utf8))
            Foundation.exit(1)
        }
    }

    private static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}
