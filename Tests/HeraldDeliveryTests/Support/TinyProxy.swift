import Foundation
import NIOCore
import NIOPosix

/// A real forward proxy on 127.0.0.1 for the outbound-proxy tests: tinyproxy (Debian's `tinyproxy-bin`, which
/// `.ci/run` installs). It tunnels `CONNECT`, forwards absolute-form requests with a `Via` header, and with
/// `credentials` answers 401 to requests without them. Its log records every request it took.
final class TinyProxy: @unchecked Sendable {
    /// The tinyproxy binary, if this machine has one.
    static let executable: String? = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy", "/usr/local/bin/tinyproxy"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private let directory: URL
    // Only `stop()` touches it, once.
    private let process: Process

    /// The proxy's URL for Herald's setting, with `credentials` (`user:password`) when given.
    func url(credentials: String? = nil) -> String {
        "http://\(credentials.map { $0 + "@" } ?? "")127.0.0.1:\(port)"
    }

    /// Everything the proxy logged so far.
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("tinyproxy.log"), encoding: .utf8)) ?? ""
    }

    /// Starts tinyproxy and waits until it accepts connections. `credentials` is `user:password`.
    init(credentials: (user: String, password: String)? = nil) async throws {
        guard let executable = Self.executable else {
            throw Unavailable(description: "tinyproxy is not installed (apt-get install tinyproxy-bin)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tinyproxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var attempt = 0
        while true {
            attempt += 1
            let port = try await Self.freePort()
            var lines = [
                "Port \(port)", "Listen 127.0.0.1", "Timeout 30", "MaxClients 64", "Allow 127.0.0.1",
                "LogFile \"\(directory.appendingPathComponent("tinyproxy.log").path)\"", "LogLevel Connect",
            ]
            if let credentials { lines.append("BasicAuth \(credentials.user) \(credentials.password)") }
            let configuration = directory.appendingPathComponent("tinyproxy.conf")
            try (lines.joined(separator: "\n") + "\n").write(to: configuration, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-d", "-c", configuration.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try TLSTestCertificate.spawning.withLock { _ in try process.run() }
            if await Self.accepts(port: port, while: process) {
                self.port = port
                self.process = process
                return
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // Another process may have taken the port between the probe and tinyproxy's bind.
            guard attempt < 3 else {
                let log = try? String(contentsOf: directory.appendingPathComponent("tinyproxy.log"), encoding: .utf8)
                throw Unavailable(description: "tinyproxy did not start:\n\(log ?? "")")
            }
        }
    }

    func stop() {
        // SIGKILL: a process spawned from a test's thread inherits its blocked signals, SIGTERM among them.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port nothing listens on right now.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Whether `port` accepts a connection within 10 s, while `process` runs.
    private static func accepts(port: Int, while process: Process) async -> Bool {
        for _ in 0..<200 {
            guard process.isRunning else { return false }
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            {
                try? await channel.close()
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
