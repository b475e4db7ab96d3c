import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1, plain or TLS, whose connections follow a script: for the n-th request on a
/// connection it answers a status, sends bytes of the script's choosing, or closes the connection without
/// answering. It counts connections and requests, which ``TestReceiver`` (Hummingbird) cannot show.
final class ScriptedHTTPServer: Sendable {
    enum Reply: Sendable {
        /// A response with this status and no body.
        case status(HTTPResponseStatus)
        /// These bytes, whatever they are, then `close`.
        case raw(String, close: Closing = .no)
        /// Close the connection without a word.
        case hangUp
    }

    /// What happens to a connection after a raw reply.
    enum Closing: Sendable {
        case no
        case yes
        /// Close the socket under TLS, without TLS's close_notify, as many servers do.
        case withoutTLSGoodbye
    }

    /// The reply to the `number`-th request (from 1) on a connection.
    typealias Script = @Sendable (_ number: Int) -> Reply

    private final class Counts: Sendable {
        struct Value {
            var connections = 0
            var requests = 0
        }

        let value = Mutex(Value())
    }

    let port: Int
    private let channel: any Channel
    private let counts = Counts()

    var connections: Int { counts.value.withLock { $0.connections } }
    var requests: Int { counts.value.withLock { $0.requests } }

    /// Starts the server; with `tls`, every connection is TLS with that certificate and key.
    init(tls: TLSTestCertificate? = nil, script: @escaping Script = { _ in .status(.noContent) }) async throws {
        let counts = self.counts
        let context = try tls.map { try NIOSSLContext(configuration: $0.serverConfiguration()) }
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counts.value.withLock { $0.connections += 1 }
                do {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    // Requests are decoded; responses go out as the script wrote them.
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Responder(script: script, counts: counts))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = ByteBuffer

        private let script: Script
        private let counts: Counts
        private var number = 0

        init(script: @escaping Script, counts: Counts) {
            self.script = script
            self.counts = counts
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            number += 1
            counts.value.withLock { $0.requests += 1 }
            switch script(number) {
            case .hangUp:
                context.close(promise: nil)
            case .status(let status):
                let head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\ncontent-length: 0\r\n\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
            case .raw(let text, let close):
                let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)))
                switch close {
                case .no:
                    break
                case .yes:
                    written.whenComplete { _ in context.close(promise: nil) }
                case .withoutTLSGoodbye:
                    // Closed from the TLS handler's own context, the close goes below it, straight to the socket.
                    let below = try? context.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self)
                    written.whenComplete { _ in (below ?? context).close(promise: nil) }
                }
            }
        }
    }
}

/// A self-signed certificate, made with the `openssl` command for one test.
struct TLSTestCertificate: Sendable {
    /// Foundation's `Process.run()` on Linux crashed (a bad pointer in its memcpy) when two tests ran it at once:
    /// one spawn at a time, in every test that starts a process.
    static let spawning = Mutex(())

    let certificatePEM: String
    let keyPEM: String

    /// A certificate for the subject alternative names `names` (OpenSSL's notation).
    init(names: String = "DNS:localhost,IP:127.0.0.1") throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=\(names)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try Self.spawning.withLock { _ in try process.run() }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        certificatePEM = try String(contentsOfFile: certificate, encoding: .utf8)
        keyPEM = try String(contentsOfFile: key, encoding: .utf8)
    }

    func serverConfiguration() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        )
    }

    /// A client configuration that trusts this certificate only.
    func trustingClientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)))
        return configuration
    }
}
