import Testing

@testable import HeraldDelivery

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite struct IPv4LiteralTests {
    @Test(arguments: [
        "127.0.0.1", "127.1", "127.0.1", "0x7f000001", "2130706433", "017700000001", "0177.0.0.1", "0x7f.1", "0x7F.0.0.0x1",
        "0", "0x", "0x.1", "0X0.0", "1.2.3.4", "255.255.255.255", "4294967295", "0xffffffff", "037777777777", "1.0xffffff",
        "1.2.0xffff", "10.0.65535", "0000000000000000000177.1", "256.0.0.1", "1.2.3.256", "1.256.1", "1.2.65536",
        "4294967296", "0x100000000", "040000000000", "08.0.0.1", "09", "1.2.3.4.5",
    ])
    func numericHostsDenoteWhatInetAtonSaysTheyDo(host: String) {
        var system = in_addr()
        let expected: IPv4Literal =
            if inet_aton(host, &system) == 1 {
                .address(IPAddress(bytes: withUnsafeBytes(of: &system) { Array($0) }))
            } else {
                .invalid
            }
        #expect(IPv4Literal(host) == expected)
    }

    @Test func aTrailingDotIsIgnoredAsInURLs() {
        #expect(IPv4Literal("127.0.0.1.") == .address(IPAddress("127.0.0.1")!))
        #expect(IPv4Literal("0x7f000001.") == .address(IPAddress("127.0.0.1")!))
    }

    @Test(arguments: ["example.com", "localhost", "1.2.3.example", "0x7f.example", "0xg", "1e3", "", ".", "example.0x7f.com"])
    func hostsNotEndingInANumberAreNames(host: String) {
        #expect(IPv4Literal(host) == .notNumeric)
    }

    @Test(arguments: ["example.1", "a.b.c.0x10", "1..1", "..1", "1.2.3.4.5", "0x7f.example.1"])
    func hostsEndingInANumberThatAreNotIPv4AreInvalid(host: String) {
        #expect(IPv4Literal(host) == .invalid)
    }
}
