import HeraldDelivery
import Testing

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite struct IPAddressTests {
    @Test(
        arguments: [
            ("192.0.2.1", [192, 0, 2, 1]),
            ("0.0.0.0", [0, 0, 0, 0]),
            ("255.255.255.255", [255, 255, 255, 255]),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            ("[::1]", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            ("::ffff:127.0.0.1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]),
            ("2001:DB8::A:b", [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0x0b]),
            ("1:2:3:4:5:6:7::", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]),
        ] as [(String, [UInt8])])
    func strictNotationsParseToTheirBytes(text: String, bytes: [UInt8]) {
        #expect(IPAddress(text)?.bytes == bytes)
    }

    @Test(arguments: [
        "127.1", "0x7f000001", "2130706433", "017700000001", "010.0.0.1", "127.0.0.01", "256.0.0.1", "1.2.3.4.5",
        "1.2.3.", ".1.2.3.4", "1..2.3", "", " 1.2.3.4", "1.2.3.4 ", "[127.0.0.1]", "fe80::1%eth0", "[fe80::1%25eth0]",
        ":::1", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:", ":1", "g::1",
        "::ffff:1.2.3", "::ffff:01.2.3.4", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "[::1", "::1]", "[]", "localhost",
    ])
    func looseOrMalformedTextIsRejected(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(arguments: [
        "0.0.0.0", "8.8.8.8", "1.2.3.4", "127.0.0.1", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1",
        "::10.0.0.1", "64:ff9b::192.0.2.33", "fe80::1", "2001:db8:0:0:1:0:0:1", "1:2:3:4:5:6::", "::2:3:4:5:6:7:8",
        "127.0.0.01", "1.2.3", "1::2::3", "::ffff:1.2.3", "1:2:3:4:5:6:7:8::", "fe80::1%1", "12345::", "1:", "0x1.2.3.4",
    ])
    func parsingAgreesWithTheSystemInetPton(text: String) {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        let system: [UInt8]? =
            if inet_pton(AF_INET, text, &ipv4) == 1 {
                withUnsafeBytes(of: &ipv4) { Array($0) }
            } else if inet_pton(AF_INET6, text, &ipv6) == 1 {
                withUnsafeBytes(of: &ipv6) { Array($0) }
            } else {
                nil
            }
        #expect(IPAddress(text)?.bytes == system)
    }

    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::0:1", "::1"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1::", "1::"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
        ("64:ff9b::10.0.0.1", "64:ff9b::a00:1"),
        ("::10.0.0.1", "::a00:1"),
        ("[2606:4700::1111]", "2606:4700::1111"),
    ])
    func descriptionIsCanonical(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }
}
