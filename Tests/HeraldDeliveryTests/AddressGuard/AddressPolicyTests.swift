import HeraldDelivery
import Testing

@Suite struct AddressPolicyTests {
    static let blocked: [(String, String)] = [
        ("0.0.0.0", "unspecified"), ("0.1.2.3", "unspecified"),
        ("10.0.0.1", "private"), ("10.255.255.255", "private"),
        ("100.64.0.1", "cgnat"), ("100.127.255.255", "cgnat"),
        ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"),
        ("169.254.169.254", "link-local"), ("169.254.0.1", "link-local"),
        ("172.16.0.1", "private"), ("172.31.255.255", "private"),
        ("192.0.0.8", "reserved"),
        ("192.0.2.1", "documentation"), ("198.51.100.7", "documentation"), ("203.0.113.200", "documentation"),
        ("198.18.0.1", "benchmarking"), ("198.19.255.255", "benchmarking"),
        ("192.168.1.1", "private"),
        ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"), ("255.255.255.254", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("::", "unspecified"), ("::1", "loopback"),
        ("fc00::1", "unique-local"), ("fd12:3456:789a::1", "unique-local"),
        ("fe80::1", "link-local"), ("febf:ffff::1", "link-local"),
        ("fec0::1", "site-local"), ("feff::1", "site-local"),
        ("ff02::1", "multicast"), ("ff05::1:3", "multicast"),
        ("2001:db8::1", "documentation"), ("2001:db8:ffff::1", "documentation"),
        ("100::1", "discard"), ("100::ffff:ffff:ffff:ffff", "discard"),
    ]

    @Test(arguments: blocked)
    func specialPurposeAddressesAreBlockedByDefault(address: String, expectedClass: String) throws {
        #expect(AddressPolicy().blockedClass(of: try #require(IPAddress(address))) == expectedClass)
    }

    @Test(arguments: [
        "93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700::1111", "2a00:1450:4001:82b::200e",
        "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
        "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.255", "192.0.3.0", "192.167.255.255",
        "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "fbff:ffff::1", "2001:db9::1", "100:0:0:1::1",
        "2002:5db8:d822::1", "64:ff9b::808:808", "64:ff9b:1::5db8:d822", "::ffff:93.184.216.34", "::8.8.8.8",
    ])
    func publicAddressesAreAllowed(address: String) throws {
        #expect(AddressPolicy().blockedClass(of: try #require(IPAddress(address))) == nil)
    }

    @Test(arguments: [
        ("::ffff:127.0.0.1", "ipv4-mapped"), ("::ffff:10.1.2.3", "ipv4-mapped"), ("::ffff:169.254.169.254", "ipv4-mapped"),
        ("::127.0.0.1", "ipv4-compatible"), ("::192.168.0.1", "ipv4-compatible"), ("::2", "ipv4-compatible"),
        ("64:ff9b::127.0.0.1", "nat64"), ("64:ff9b::a00:1", "nat64"), ("64:ff9b:1::a9fe:a9fe", "nat64"),
        ("2002:7f00:1::", "6to4"), ("2002:c0a8:101::1", "6to4"), ("2002:a00:1:1::1", "6to4"),
    ])
    func ipv6FormsCarryingABlockedIPv4AddressAreBlocked(address: String, expectedClass: String) throws {
        #expect(AddressPolicy().blockedClass(of: try #require(IPAddress(address))) == expectedClass)
    }

    @Test func allowingLoopbackAllowsIPv4LoopbackInEveryFormButNothingElse() throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: "127.0.0.0/8")
        for allowed in ["127.0.0.1", "127.1.2.3", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::"] {
            #expect(policy.blockedClass(of: try #require(IPAddress(allowed))) == nil, "\(allowed)")
        }
        #expect(policy.blockedClass(of: try #require(IPAddress("10.0.0.1"))) == "private")
        #expect(policy.blockedClass(of: try #require(IPAddress("::1"))) == "loopback")
        #expect(policy.blockedClass(of: try #require(IPAddress("::ffff:10.0.0.1"))) == "ipv4-mapped")
    }

    @Test func allowingUniqueLocalAllowsUniqueLocalAddressesOnly() throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: "fc00::/7")
        #expect(policy.blockedClass(of: try #require(IPAddress("fd12:3456::1"))) == nil)
        #expect(policy.blockedClass(of: try #require(IPAddress("fc00::1"))) == nil)
        #expect(policy.blockedClass(of: try #require(IPAddress("fe80::1"))) == "link-local")
        #expect(policy.blockedClass(of: try #require(IPAddress("127.0.0.1"))) == "loopback")
    }

    @Test func allowedNetworksWinOverEveryClass() throws {
        let policy = AddressPolicy(allowedNetworks: [try IPNetwork(parsing: "0.0.0.0/0"), try IPNetwork(parsing: "::/0")])
        for (address, _) in Self.blocked {
            #expect(policy.blockedClass(of: try #require(IPAddress(address))) == nil, "\(address)")
        }
    }

    @Test func theAllowedNetworksListAcceptsSpacesAndSeveralEntries() throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: " 127.0.0.0/8 ,  ::1/128,10.1.0.0/16 ")
        #expect(
            policy
                == AddressPolicy(allowedNetworks: [
                    try IPNetwork(parsing: "127.0.0.0/8"), try IPNetwork(parsing: "::1/128"),
                    try IPNetwork(parsing: "10.1.0.0/16"),
                ]))
        #expect(policy.blockedClass(of: try #require(IPAddress("::1"))) == nil)
        #expect(policy.blockedClass(of: try #require(IPAddress("10.1.200.3"))) == nil)
        #expect(policy.blockedClass(of: try #require(IPAddress("10.2.0.1"))) == "private")
    }

    @Test(arguments: ["", "   ", ","])
    func anEmptyAllowedNetworksListAllowsNothingExtra(text: String) throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: text)
        #expect(policy == AddressPolicy())
        #expect(policy.blockedClass(of: try #require(IPAddress("127.0.0.1"))) == "loopback")
    }

    @Test(arguments: ["127.0.0.0/8, nonsense", "127.0.0.1/8", "10.0.0.0/8;192.168.0.0/16", "127.0.0.0/40"])
    func aMalformedAllowedNetworksListIsRejected(text: String) {
        #expect {
            try AddressPolicy(parsingAllowedNetworks: text)
        } throws: { error in
            let error = error as? AddressGuardError
            return error?.description.contains("CIDR") == true && error?.isBlockedAddress == false
        }
    }
}
