import HeraldCore
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@testable import HeraldDelivery

/// The client attempts go out on, against real servers on loopback: HTTPS checks the certificate against the URL's
/// host while connecting to the vetted address, and kept-alive connections are reused and recovered.
@Suite struct OutboundClientTests {
    static let loopback = IPAddress("127.0.0.1")!

    static func request(https: Bool = false, host: String, port: Int) -> OutboundRequest {
        OutboundRequest(
            target: OutboundTarget(https: https, host: host, port: port, address: loopback),
            hostHeader: OutboundTarget.hostHeader(host: host, port: port, https: https),
            path: "/hook?x=1",
            headers: [("content-type", "application/json")],
            body: Array("{}".utf8)
        )
    }

    static func send(_ client: OutboundClient, _ request: OutboundRequest) async -> Result<OutboundResponse, any Error> {
        await withCheckedContinuation { continuation in
            _ = client.send(request, deadline: .now() + .seconds(5), responseLimit: 1024) { continuation.resume(returning: $0) }
        }
    }

    static func errorKind(_ result: Result<OutboundResponse, any Error>) -> AttemptErrorKind? {
        guard case .failure(let error) = result else { return nil }
        return Dispatcher.classify(error)
    }

    @Test func httpsSucceedsWhenTheCertificateNamesTheURLHost() async throws {
        let certificate = try TLSTestCertificate()
        let server = try await ScriptedHTTPServer(tls: certificate)
        let client = OutboundClient(tlsConfiguration: try certificate.trustingClientConfiguration())
        let byName = await Self.send(client, Self.request(https: true, host: "localhost", port: server.port))
        #expect(try byName.get().status == 204)
        let byAddress = await Self.send(client, Self.request(https: true, host: "127.0.0.1", port: server.port))
        #expect(try byAddress.get().status == 204)
        await client.shutdown()
        await server.stop()
    }

    /// The vetted address is the server's, but the URL names a host the certificate does not. A certificate valid
    /// for the address connected to fails too: NIOSSL alone accepts it, and then a server that answered a forged
    /// lookup with its own address would pass as any host.
    @Test(arguments: ["DNS:localhost", "DNS:localhost,IP:127.0.0.1"])
    func httpsFailsWhenTheCertificateNamesAnotherHost(names: String) async throws {
        let certificate = try TLSTestCertificate(names: names)
        let server = try await ScriptedHTTPServer(tls: certificate)
        let client = OutboundClient(tlsConfiguration: try certificate.trustingClientConfiguration())
        let result = await Self.send(client, Self.request(https: true, host: "webhooks.example.com", port: server.port))
        #expect(Self.errorKind(result) == .tlsFailure, "\(result)")
        #expect(server.requests == 0)
        await client.shutdown()
        await server.stop()
    }

    @Test func aWildcardCertificateNamesOneLabelOnly() async throws {
        let certificate = try TLSTestCertificate(names: "DNS:*.example.test,IP:127.0.0.1")
        let server = try await ScriptedHTTPServer(tls: certificate)
        let client = OutboundClient(tlsConfiguration: try certificate.trustingClientConfiguration())
        let named = await Self.send(client, Self.request(https: true, host: "hooks.EXAMPLE.test", port: server.port))
        #expect(try named.get().status == 204)
        for host in ["example.test", "a.hooks.example.test", "hooks.example.test.evil"] {
            let result = await Self.send(client, Self.request(https: true, host: host, port: server.port))
            #expect(Self.errorKind(result) == .tlsFailure, "\(host): \(result)")
        }
        #expect(server.requests == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func certificateNamesMatchWholeLabels() {
        func matches(_ name: String, _ host: String) -> Bool {
            CertificateIdentity.dnsName(Array(name.utf8), matches: Array(host.utf8))
        }
        #expect(matches("example.com", "example.com"))
        #expect(matches("*.example.com", "a.example.com"))
        #expect(!matches("*.example.com", "example.com"))
        #expect(!matches("*.example.com", ".example.com"))
        #expect(!matches("*.example.com", "a.b.example.com"))
        #expect(!matches("*.com", "example.com"))
        #expect(!matches("a*.example.com", "ab.example.com"))
        #expect(!matches("*.*.example.com", "a.b.example.com"))
        #expect(!matches("example.com", "example.co"))
        #expect(!matches("", ""))
    }

    @Test func httpsFailsWhenNoTrustedAuthoritySignedTheCertificate() async throws {
        let server = try await ScriptedHTTPServer(tls: try TLSTestCertificate())
        let client = OutboundClient()
        let result = await Self.send(client, Self.request(https: true, host: "localhost", port: server.port))
        #expect(Self.errorKind(result) == .tlsFailure, "\(result)")
        #expect(server.requests == 0)
        await client.shutdown()
        await server.stop()
    }

    @Test func sequentialRequestsShareOneKeptAliveConnection() async throws {
        let server = try await ScriptedHTTPServer()
        // An idle timeout no pause of a loaded machine reaches: the default 4 s closed the connection once mid-test.
        let client = OutboundClient(idleTimeout: .seconds(60))
        for _ in 1...5 {
            let result = await Self.send(client, Self.request(host: "127.0.0.1", port: server.port))
            #expect(try result.get().status == 204)
        }
        #expect(server.requests == 5)
        #expect(server.connections == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func aKeptAliveConnectionTheServerDroppedIsRetriedOnceOnANewOne() async throws {
        // Every connection answers its first request and hangs up on the second.
        let server = try await ScriptedHTTPServer { number in number == 1 ? .status(.noContent) : .hangUp }
        // The second request must find the first one's connection idle: a pause of a loaded machine longer than
        // the default 4 s idle timeout closed it once, and the request went straight to a new connection.
        let client = OutboundClient(idleTimeout: .seconds(60))
        let first = await Self.send(client, Self.request(host: "127.0.0.1", port: server.port))
        #expect(try first.get().status == 204)
        let second = await Self.send(client, Self.request(host: "127.0.0.1", port: server.port))
        #expect(try second.get().status == 204)
        #expect(server.requests == 3)
        #expect(server.connections == 2)
        await client.shutdown()
        await server.stop()
    }

    @Test func aNewConnectionClosedBeforeAnAnswerIsNotRetried() async throws {
        let server = try await ScriptedHTTPServer { _ in .hangUp }
        let client = OutboundClient()
        let result = await Self.send(client, Self.request(host: "127.0.0.1", port: server.port))
        #expect(Self.errorKind(result) == .connectionReset)
        #expect(server.requests == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func theHostHeaderCarriesThePortOnlyWhenItIsNotTheDefault() throws {
        #expect(OutboundTarget.hostHeader(host: "example.com", port: 443, https: true) == "example.com")
        #expect(OutboundTarget.hostHeader(host: "example.com", port: 443, https: false) == "example.com:443")
        #expect(OutboundTarget.hostHeader(host: "::1", port: 8080, https: false) == "[::1]:8080")
        #expect(try #require(RequestTemplates.parse("http://[::1]:8080/x")).hostHeader == "[::1]:8080")
    }

    @Test func templatesKeepThePathQueryPortAndCredentialsOfTheURL() throws {
        let template = try #require(RequestTemplates.parse("https://user:pa%20ss@[::1]:8443/a%20b/c?d=e%26f"))
        #expect(template.https)
        #expect(template.host == "::1")
        #expect(template.port == 8443)
        #expect(template.path == "/a%20b/c?d=e%26f")
        #expect(template.authorization == "Basic dXNlcjpwYSBzcw==")
        let bare = try #require(RequestTemplates.parse("http://example.com"))
        #expect(bare.path == "/")
        #expect(bare.port == 80)
        #expect(bare.authorization == nil)
        #expect(RequestTemplates.parse("ftp://example.com/") == nil)
    }
}

/// Responses as servers actually frame them, read over a real connection.
@Suite struct OutboundClientResponseTests {
    static func send(_ client: OutboundClient, https: Bool = false, port: Int, limit: Int = 1024) async
        -> Result<OutboundResponse, any Error>
    {
        await withCheckedContinuation { continuation in
            let request = OutboundClientTests.request(https: https, host: "127.0.0.1", port: port)
            _ = client.send(request, deadline: .now() + .seconds(5), responseLimit: limit) { continuation.resume(returning: $0) }
        }
    }

    @Test func aChunkedResponseIsReadWholeAndTheConnectionReused() async throws {
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        let server = try await ScriptedHTTPServer { _ in .raw(chunked) }
        let client = OutboundClient(idleTimeout: .seconds(60))
        for _ in 1...3 {
            let response = try await Self.send(client, port: server.port).get()
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "abcde")
        }
        #expect(server.connections == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func aResponseThatAsksToCloseGetsANewConnectionNextTime() async throws {
        let server = try await ScriptedHTTPServer { _ in
            .raw("HTTP/1.1 503 Busy\r\nRetry-After: 12\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy")
        }
        let client = OutboundClient()
        for _ in 1...2 {
            let response = try await Self.send(client, port: server.port).get()
            #expect(response.status == 503)
            #expect(response.retryAfter == "12")
        }
        #expect(server.connections == 2)
        await client.shutdown()
        await server.stop()
    }

    @Test func aBodyWithoutFramingEndsWithTheConnection() async throws {
        let server = try await ScriptedHTTPServer { _ in .raw("HTTP/1.0 500 Oops\r\n\r\nstack trace", close: .yes) }
        let client = OutboundClient()
        let response = try await Self.send(client, port: server.port).get()
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self) == "stack trace")
        await client.shutdown()
        await server.stop()
    }

    @Test(arguments: [ScriptedHTTPServer.Closing.yes, .withoutTLSGoodbye])
    func overTLSABodyWithoutFramingEndsWithTheConnection(closing: ScriptedHTTPServer.Closing) async throws {
        let certificate = try TLSTestCertificate()
        let server = try await ScriptedHTTPServer(tls: certificate) { _ in
            .raw("HTTP/1.1 502 Bad Gateway\r\n\r\nupstream down", close: closing)
        }
        let client = OutboundClient(tlsConfiguration: try certificate.trustingClientConfiguration())
        let result = await Self.send(client, https: true, port: server.port)
        let response = try result.get()
        #expect(response.status == 502)
        #expect(String(decoding: response.body, as: UTF8.self) == "upstream down")
        await client.shutdown()
        await server.stop()
    }

    @Test func aBodyOverTheBoundIsCutAndTheConnectionNotReused() async throws {
        let body = String(repeating: "x", count: 5000)
        let server = try await ScriptedHTTPServer { _ in .raw("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + body) }
        let client = OutboundClient()
        for _ in 1...2 {
            let response = try await Self.send(client, port: server.port, limit: 100).get()
            #expect(response.body.count == 100)
        }
        #expect(server.connections == 2)
        await client.shutdown()
        await server.stop()
    }

    @Test func somethingThatIsNotHTTPIsAnInvalidResponse() async throws {
        let server = try await ScriptedHTTPServer { _ in .raw("SSH-2.0-OpenSSH_9.2\r\n\r\n") }
        let client = OutboundClient()
        let result = await Self.send(client, port: server.port)
        #expect(OutboundClientTests.errorKind(result) == .invalidResponse, "\(result)")
        await client.shutdown()
        await server.stop()
    }
}
