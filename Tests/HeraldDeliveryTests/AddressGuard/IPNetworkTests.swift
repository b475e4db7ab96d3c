import Testing

@testable import HeraldDelivery

@Suite struct IPNetworkTests {
    @Test(arguments: [
        ("127.0.0.0/8", "127.0.0.0/8"),
        ("10.1.2.3", "10.1.2.3/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("::1/128", "::1/128"),
        ("::1", "::1/128"),
        ("::/0", "::/0"),
        ("FC00::/7", "fc00::/7"),
        ("[fe80::]/10", "fe80::/10"),
    ])
    func cidrTextParses(text: String, description: String) throws {
        #expect(try IPNetwork(parsing: text).description == description)
    }

    @Test(arguments: [
        "127.0.0.1/8", "10.0.0.1/31", "fe80::/8", "::1/127",
        "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/ 8", "fc00::/x",
        "10.0.0.0/0008", "/8", "", "garbage", "10.0.0/8", "127.1/32", "0x7f000001", "fe80::%eth0/64", " 10.0.0.0/8",
    ])
    func malformedCidrTextIsAnInvalidNetwork(text: String) {
        #expect(throws: AddressGuardError.invalidNetwork(text)) {
            try IPNetwork(parsing: text)
        }
    }

    @Test func anInvalidNetworkSaysWhichTextAndWhatIsExpected() {
        let error = AddressGuardError.invalidNetwork("10.0.0.1/8")
        #expect(error.description.contains("\"10.0.0.1/8\""))
        #expect(error.description.contains("CIDR"))
        #expect(!error.isBlockedAddress && !error.isResolutionFailure)
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.255.255", true),
        ("10.0.0.0/8", "11.0.0.0", false),
        ("10.0.0.0/8", "9.255.255.255", false),
        ("172.16.0.0/12", "172.31.255.255", true),
        ("172.16.0.0/12", "172.32.0.0", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("0.0.0.0/0", "2001:db8::1", false),
        ("127.0.0.0/8", "::ffff:127.0.0.1", true),
        ("127.0.0.0/8", "::ffff:128.0.0.1", false),
        ("127.0.0.0/8", "::127.0.0.1", false),
        ("127.0.0.0/8", "64:ff9b::127.0.0.1", false),
        ("fc00::/7", "fd12:3456::1", true),
        ("fc00::/7", "fe00::1", false),
        ("::/0", "127.0.0.1", false),
        ("::1/128", "::1", true),
        ("::1/128", "::2", false),
    ])
    func containsMatchesTheBlockAndIPv4MappedFormsOfIPv4Blocks(network: String, address: String, expected: Bool) throws {
        let block = try IPNetwork(parsing: network)
        let member = try #require(IPAddress(address))
        #expect(block.contains(member) == expected)
    }
}
