import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `herald listen`: a local webhook receiver for development.
struct Listen: AsyncParsableCommand {
    static let defaultPort = 8072

    static let configuration = CommandConfiguration(
        abstract: "Run a local webhook receiver that verifies and prints every delivery (for development).",
        discussion: """
            Accepts POST requests on any path (or only --path), checks their Standard Webhooks signature \
            (webhook-* or svix-* headers) with --secret, prints each one (time, method and path, webhook-id, \
            timestamp, VERIFIED or SIGNATURE FAILED with the reason, headers, the JSON body indented) and \
            answers --status. Other methods get 405. Runs until interrupted (Ctrl-C or SIGTERM).

            Point an endpoint at it, e.g. http://127.0.0.1:\(Listen.defaultPort)/hook; a server delivering to \
            loopback needs HERALD_ALLOWED_NETWORKS=127.0.0.0/8.
            """
    )

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one (printed at start).") var port: Int = Listen.defaultPort
    @Option(
        name: .customLong("secret"),
        help:
            "The endpoint's secret, whsec_… (HMAC) or whpk_… (Ed25519 public key); repeat for several. Env \(SignatureCheck.secretVariable). Without one, deliveries are printed unverified."
    )
    var secrets: [String] = []
    @Option(help: "HTTP status to answer each delivery with (200-599), e.g. 500 to watch retries.") var status: Int = 204
    @Option(help: "Accept deliveries only on this path (others get 404); default any path.") var path: String?
    @Option(help: "Largest accepted body in bytes.") var maxBodyBytes: Int = 4 << 20

    func validate() throws {
        guard (200...599).contains(status) else { throw ValidationError("--status must be between 200 and 599") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        if let path, !path.hasPrefix("/") { throw ValidationError("--path must start with /") }
    }

    func run() async throws {
        let check = try SignatureCheck(secretTexts: secrets, environment: ProcessInfo.processInfo.environment)
        let output = StandardOutput()
        let receiver = ListenReceiver(check: check, status: status, path: path, maxBodyBytes: maxBodyBytes, output: output)
        var logger = Logger(label: "herald-listen")
        logger.logLevel = .warning
        let (host, secretCount, status) = (host, check.secrets.count, status)
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await receiver.respond(to: request) },
            configuration: .init(address: .hostname(host, port: port), serverName: "herald-listen/\(Herald.version)"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let verifying = secretCount == 0 ? "not verifying (no --secret)" : "verifying with \(secretCount) secret(s)"
                output.write("Listening for webhooks on http://\(host):\(port)/, answering \(status), \(verifying).\n\n")
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            throw CommandFailure("cannot listen on \(host):\(port): \(error)")
        }
    }
}
