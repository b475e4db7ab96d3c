import HeraldCore
import NIOCore
import Testing

@testable import HeraldDelivery

/// The outbound proxy setting as Herald reads it, the requests written for it, and a proxy that is down.
@Suite struct OutboundProxyTests {
    @Test func readsHostPortAndCredentials() throws {
        let plain = try OutboundProxy(parsing: " http://proxy.internal:3128 ")
        #expect(plain.host == "proxy.internal" && plain.port == 3128 && plain.authorization == nil)
        #expect(plain.description == "http://proxy.internal:3128")

        let withCredentials = try OutboundProxy(parsing: "http://alice:s%3Acret@10.0.0.5:8080/")
        #expect(withCredentials.host == "10.0.0.5" && withCredentials.port == 8080)
        // base64("alice:s:cret"): the password is percent-decoded.
        #expect(withCredentials.authorization == "Basic YWxpY2U6czpjcmV0")
        #expect(withCredentials.description == "http://***@10.0.0.5:8080")

        let v6 = try OutboundProxy(parsing: "HTTP://[fd00::1]:3128")
        #expect(v6.host == "fd00::1" && v6.description == "http://[fd00::1]:3128")
    }

    @Test(arguments: [
        ("https://proxy.internal:3128", "must be an http:// URL"),
        ("socks5://proxy.internal:1080", "must be an http:// URL"),
        ("http://proxy.internal", "must name the proxy's port"),
        ("http://proxy.internal:0", "between 1 and 65535"),
        ("http://proxy.internal:3128/path", "only scheme, credentials, host and port"),
        ("http://proxy.internal:3128?x=1", "only scheme, credentials, host and port"),
        ("proxy.internal:3128", "must be an http:// URL"),
        ("", "must be a URL"),
    ])
    func refusesWhatIsNotAnHTTPProxyURL(text: String, message: String) {
        #expect {
            try OutboundProxy(parsing: text)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test func anErrorNeverRepeatsTheCredentials() {
        #expect {
            try OutboundProxy(parsing: "http//alice:hunter2@proxy")
        } throws: { error in
            !String(describing: error).contains("hunter2")
        }
    }

    /// A plain-HTTP request through a proxy names its endpoint in absolute form and carries the proxy's
    /// credentials; an HTTPS one, tunnelled, is written as without a proxy.
    @Test func requestsThroughAProxy() throws {
        let proxy = try OutboundProxy(parsing: "http://alice:secret@proxy.internal:3128")
        func head(https: Bool, proxy: OutboundProxy?) -> String {
            let request = OutboundRequest(
                target: OutboundTarget(https: https, host: "hooks.example.com", port: 8443, address: IPAddress("192.0.2.1")!),
                hostHeader: "hooks.example.com:8443", path: "/in?x=1", headers: [("content-type", "application/json")],
                body: Array("{}".utf8), proxy: proxy)
            return String(buffer: request.bytes)
        }
        #expect(
            head(https: false, proxy: proxy)
                == "POST http://hooks.example.com:8443/in?x=1 HTTP/1.1\r\nhost: hooks.example.com:8443\r\ncontent-length: 2\r\n"
                + "proxy-authorization: Basic YWxpY2U6c2VjcmV0\r\ncontent-type: application/json\r\n\r\n{}")
        #expect(head(https: true, proxy: proxy) == head(https: true, proxy: nil))
        #expect(head(https: true, proxy: proxy).hasPrefix("POST /in?x=1 HTTP/1.1\r\n"))
    }

    @Test func aProxyThatIsDownIsAProxyFailure() async throws {
        let proxy = try OutboundProxy(parsing: "http://127.0.0.1:\(try await TinyProxy.freePort())")
        let client = OutboundClient(proxy: proxy)
        for https in [false, true] {
            let result = await OutboundClientTests.send(
                client, OutboundProxyClientTests.request(https: https, port: 443, proxy: proxy))
            #expect(OutboundClientTests.errorKind(result) == .proxyFailure, "\(result)")
            #expect("\(result)".contains("could not connect to the outbound proxy http://127.0.0.1:"), "\(result)")
        }
        await client.shutdown()
    }
}

/// The client through a real proxy (tinyproxy) on loopback. Every target's vetted address is 192.0.2.1, a
/// documentation address nothing answers on: a request that arrives went through the proxy, which was given the
/// URL's host.
@Suite(.enabled(if: TinyProxy.executable != nil, "needs tinyproxy (apt-get install tinyproxy-bin; .ci/run installs it)"))
struct OutboundProxyClientTests {
    static let nowhere = IPAddress("192.0.2.1")!

    static func request(https: Bool, host: String = "127.0.0.1", port: Int, proxy: OutboundProxy?) -> OutboundRequest {
        OutboundRequest(
            target: OutboundTarget(https: https, host: host, port: port, address: nowhere),
            hostHeader: OutboundTarget.hostHeader(host: host, port: port, https: https),
            path: "/hook?x=1",
            headers: [("content-type", "application/json")],
            body: Array("{\"a\":1}".utf8),
            proxy: proxy
        )
    }

    @Test func plainHTTPIsForwardedInAbsoluteForm() async throws {
        let tinyproxy = try await TinyProxy()
        defer { tinyproxy.stop() }
        let proxy = try OutboundProxy(parsing: tinyproxy.url())
        let client = OutboundClient(proxy: proxy)
        try await withTestReceiver { receiver in
            let result = await OutboundClientTests.send(client, Self.request(https: false, port: receiver.port, proxy: proxy))
            #expect(try result.get().status == 200)
            let received = try #require(receiver.requests().first)
            #expect(received.path == "/hook")
            #expect(received.headers["via"]?.contains("tinyproxy") == true, "\(received.headers)")
            #expect(received.text == "{\"a\":1}")
        }
        await client.shutdown()
    }

    @Test func httpsGoesThroughATunnelAndChecksTheEndpointsCertificate() async throws {
        let tinyproxy = try await TinyProxy()
        defer { tinyproxy.stop() }
        let proxy = try OutboundProxy(parsing: tinyproxy.url())
        let certificate = try TLSTestCertificate()
        let server = try await ScriptedHTTPServer(tls: certificate)
        let client = OutboundClient(
            idleTimeout: .seconds(60), tlsConfiguration: try certificate.trustingClientConfiguration(), proxy: proxy)
        for _ in 1...3 {
            let result = await OutboundClientTests.send(client, Self.request(https: true, port: server.port, proxy: proxy))
            #expect(try result.get().status == 204)
        }
        // One tunnel, kept alive across the three exchanges.
        #expect(server.requests == 3)
        #expect(server.connections == 1)
        #expect(tinyproxy.log.contains("CONNECT 127.0.0.1:\(server.port) HTTP/1.1"), "\(tinyproxy.log)")
        await client.shutdown()
        await server.stop()

        // TLS runs end to end: a certificate that does not name the URL's host fails through the tunnel too.
        let other = try await ScriptedHTTPServer(tls: try TLSTestCertificate(names: "DNS:localhost"))
        let checking = OutboundClient(tlsConfiguration: try certificate.trustingClientConfiguration(), proxy: proxy)
        let refused = await OutboundClientTests.send(checking, Self.request(https: true, port: other.port, proxy: proxy))
        #expect(OutboundClientTests.errorKind(refused) == .tlsFailure, "\(refused)")
        #expect(other.requests == 0)
        await checking.shutdown()
        await other.stop()
    }

    @Test func theProxysCredentialsAreSent() async throws {
        let tinyproxy = try await TinyProxy(credentials: ("alice", "s3cret"))
        defer { tinyproxy.stop() }
        let good = try OutboundProxy(parsing: tinyproxy.url(credentials: "alice:s3cret"))
        let bad = try OutboundProxy(parsing: tinyproxy.url(credentials: "alice:wrong"))
        let certificate = try TLSTestCertificate()
        let server = try await ScriptedHTTPServer(tls: certificate)
        for (proxy, works) in [(good, true), (bad, false)] {
            let client = OutboundClient(tlsConfiguration: try certificate.trustingClientConfiguration(), proxy: proxy)
            let tunnelled = await OutboundClientTests.send(client, Self.request(https: true, port: server.port, proxy: proxy))
            try await withTestReceiver { receiver in
                let forwarded = await OutboundClientTests.send(
                    client, Self.request(https: false, port: receiver.port, proxy: proxy))
                let statuses = ((try? tunnelled.get())?.status, (try? forwarded.get())?.status)
                if works {
                    #expect(statuses.0 == 204 && statuses.1 == 200, "\(tunnelled) \(forwarded)")
                } else {
                    // A refused tunnel is the proxy's failure. A refused forward is the proxy's 401, or a reset:
                    // tinyproxy answers before reading the body and closes with the body unread.
                    #expect(OutboundClientTests.errorKind(tunnelled) == .proxyFailure, "\(tunnelled)")
                    #expect("\(tunnelled)".contains("answered 401 to CONNECT"), "\(tunnelled)")
                    #expect(statuses.1 == 401 || OutboundClientTests.errorKind(forwarded) == .connectionReset, "\(forwarded)")
                    #expect(receiver.count() == 0)
                }
            }
            await client.shutdown()
        }
        #expect(server.requests == 1)
        await server.stop()
    }

    @Test func aProxyThatCannotReachTheEndpointIsAProxyFailure() async throws {
        let tinyproxy = try await TinyProxy()
        defer { tinyproxy.stop() }
        let proxy = try OutboundProxy(parsing: tinyproxy.url())
        let client = OutboundClient(proxy: proxy)
        let closed = try await TinyProxy.freePort()
        let result = await OutboundClientTests.send(client, Self.request(https: true, port: closed, proxy: proxy))
        #expect(OutboundClientTests.errorKind(result) == .proxyFailure, "\(result)")
        await client.shutdown()
    }
}
