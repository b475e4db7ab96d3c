import Foundation
import Synchronization
import Testing

@testable import HeraldDelivery

@Suite struct AddressGuardTests {
    /// A resolver for hosts that must never reach DNS.
    static let noDNS: @Sendable (String) async throws -> [IPAddress] = { host in
        Issue.record("\(host) was sent to the resolver")
        return []
    }

    /// A resolver answering `addresses` for any name.
    static func answering(_ addresses: [String]) -> @Sendable (String) async throws -> [IPAddress] {
        let parsed = addresses.map { IPAddress($0)! }
        return { _ in parsed }
    }

    static let loopbackNotations = [
        "127.0.0.1", "127.1", "127.0.1", "0x7f000001", "0X7F000001", "2130706433", "017700000001", "0177.0.0.1",
        "0x7f.0.0.1", "0x7f.1", "127.0.0.1.", "0000177.0x0.00.1", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1",
        "::ffff:7f00:1", "[::FFFF:7F00:0001]",
    ]

    @Test(arguments: loopbackNotations)
    func everyLiteralNotationOfLoopbackIsBlockedWithoutDNS(host: String) async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.noDNS)
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: host) }
        #expect(error?.isBlockedAddress == true)
        #expect(error?.isResolutionFailure == false)
        #expect(error?.description.contains("127.0.0.1") == true)
        #expect(error?.description.contains("HERALD_ALLOWED_NETWORKS") == true)
    }

    @Test(arguments: loopbackNotations)
    func everyLiteralNotationOfLoopbackDenotes127001WhenLoopbackIsAllowed(host: String) async throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: "127.0.0.0/8")
        let guard_ = AddressGuard(policy: policy, resolver: Self.noDNS)
        #expect(try await guard_.vet(host: host) == IPAddress("127.0.0.1"))
    }

    @Test(arguments: [
        "http://127%2E1/", "http://0x7f000001:8080/hook", "http://[::ffff:7f00:1]/", "https://user:secret@0177.1/",
        "http://[fe80::1%25eth0]/", "http://2130706433./",
    ])
    func hostsOfURLsPointingAtLoopbackInDisguiseAreRefused(url: String) async throws {
        let host = try #require(URL(string: url)?.host)
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.noDNS)
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: host) }
        #expect(error?.isBlockedAddress == true || host.contains("%"))
        #expect(error?.description.contains("secret") == false)
    }

    @Test(arguments: [
        ("10.0.0.1", "private"), ("012.0.0.1", "private"), ("0xa000001", "private"), ("167772161", "private"),
        ("169.254.169.254", "link-local"), ("0xa9fea9fe", "link-local"), ("2852039166", "link-local"),
        ("0", "unspecified"), ("0x0", "unspecified"), ("0.0.0.0", "unspecified"), ("[::]", "unspecified"),
        ("[::1]", "loopback"), ("::1", "loopback"), ("[fe80::1]", "link-local"), ("fd00::1", "unique-local"),
        ("4294967295", "broadcast"), ("64:ff9b::a9fe:a9fe", "nat64"), ("[2002:a9fe:a9fe::]", "6to4"),
        ("::ffff:a9fe:a9fe", "ipv4-mapped"),
    ])
    func blockedLiteralsAreRefusedWithTheirClass(host: String, expectedClass: String) async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.noDNS)
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: host) }
        #expect(error?.isBlockedAddress == true)
        #expect(error?.description.contains(expectedClass) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("93.184.216.34", "93.184.216.34"), ("1.1.1.1", "1.1.1.1"), ("16843009", "1.1.1.1"), ("0x1010101", "1.1.1.1"),
        ("[2606:4700::1111]", "2606:4700::1111"), ("2606:4700:0::1111", "2606:4700::1111"),
        ("::ffff:93.184.216.34", "93.184.216.34"), ("64:ff9b::5db8:d822", "64:ff9b::5db8:d822"),
    ])
    func publicLiteralsAreReturnedAsTheAddressToConnectTo(host: String, expected: String) async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.noDNS)
        #expect(try await guard_.vet(host: host) == IPAddress(expected))
    }

    @Test(arguments: [
        "256.0.0.1", "1.2.3.4.5", "08.0.0.1", "0x", "1.2.3.0x", "0x100000000", "4294967296", "127.0.0.0x100", "1.256.1", "0xg.1",
        "fe80::1%eth0", "[fe80::1%25eth0]", "[127.0.0.1]", "[::1", ":::1", "", ".", ".example.com", "exa mple.com",
        "a/b", "ex%41mple.com", "bücher.example", "example.com\n", "user@example.com",
    ])
    func hostsThatAreNeitherNamesNorAddressesAreRefusedWithoutDNS(host: String) async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.noDNS)
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: host) }
        #expect(error?.isBlockedAddress == false)
        #expect(error?.isResolutionFailure == false)
        #expect(error?.description.contains("neither") == true)
    }

    @Test func allowingLoopbackDoesNotAllowPrivateAddresses() async throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: "127.0.0.0/8")
        let guard_ = AddressGuard(policy: policy, resolver: Self.noDNS)
        for host in ["10.0.0.1", "012.0.0.1", "::ffff:10.0.0.1", "[::1]"] {
            let error = await #expect(throws: AddressGuardError.self, "\(host)") { try await guard_.vet(host: host) }
            #expect(error?.isBlockedAddress == true, "\(host)")
        }
    }

    @Test func allowingUniqueLocalLetsAUniqueLocalHostThrough() async throws {
        let policy = try AddressPolicy(parsingAllowedNetworks: "fc00::/7")
        let literal = AddressGuard(policy: policy, resolver: Self.noDNS)
        #expect(try await literal.vet(host: "[fd12:3456::1]") == IPAddress("fd12:3456::1"))
        let named = AddressGuard(policy: policy, resolver: Self.answering(["fd12:3456::1", "fd12:3456::2"]))
        #expect(try await named.vet(host: "internal.example") == IPAddress("fd12:3456::1"))
    }

    @Test func aHostNameResolvingToAnyBlockedAddressIsRefused() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.answering(["93.184.216.34", "10.0.0.5", "1.1.1.1"]))
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "rebind.example") }
        #expect(error?.isBlockedAddress == true)
        #expect(
            error?.description == """
                The host "rebind.example" resolves to 10.0.0.5, which is blocked (private); \
                allow it with HERALD_ALLOWED_NETWORKS if intended.
                """)
    }

    @Test func aHostNameResolvingToABlockedIPv6AddressIsRefused() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.answering(["2606:4700::1111", "::ffff:192.168.0.1"]))
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "mapped.example") }
        #expect(error?.isBlockedAddress == true)
        #expect(error?.description.contains("ipv4-mapped, embedding 192.168.0.1, private") == true)
    }

    @Test func aHostNameWithOnlyPublicAddressesYieldsItsFirstIPv4Address() async throws {
        let guard_ = AddressGuard(
            policy: AddressPolicy(),
            resolver: Self.answering(["2606:4700::1111", "93.184.216.34", "1.1.1.1"])
        )
        #expect(try await guard_.vet(host: "example.com") == IPAddress("93.184.216.34"))
    }

    @Test func aHostNameWithOnlyIPv6AddressesYieldsItsFirstAddress() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.answering(["2606:4700::1111", "2606:4700::1001"]))
        #expect(try await guard_.vet(host: "v6only.example") == IPAddress("2606:4700::1111"))
    }

    @Test func anIPv4MappedAnswerIsReturnedAsIPv4() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.answering(["2606:4700::1111", "::ffff:1.1.1.1"]))
        #expect(try await guard_.vet(host: "mapped.example") == IPAddress("1.1.1.1"))
    }

    @Test func theResolverIsAskedForTheHostName() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy()) { host in
            #expect(host == "hooks.example.com")
            return [IPAddress("93.184.216.34")!]
        }
        _ = try await guard_.vet(host: "hooks.example.com")
    }

    @Test func aFailingResolverIsAResolutionFailure() async throws {
        struct Timeout: Error {}
        let guard_ = AddressGuard(policy: AddressPolicy()) { _ in throw Timeout() }
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "slow.example") }
        #expect(error?.isResolutionFailure == true)
        #expect(error?.isBlockedAddress == false)
        #expect(error?.description == #"The host "slow.example" could not be resolved."#)
    }

    @Test func aResolverWithNoAnswersIsAResolutionFailure() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: Self.answering([]))
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "empty.example") }
        #expect(error?.isResolutionFailure == true)
    }

    @Test func localhostThroughTheSystemResolverIsBlockedAsLoopback() async throws {
        let addresses = try await AddressGuard.systemResolver("localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { AddressPolicy().blockedClass(of: $0) == "loopback" })

        let guard_ = AddressGuard(policy: AddressPolicy())
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "localhost") }
        #expect(error?.isBlockedAddress == true)
        #expect(error?.description.contains("(loopback)") == true)
    }

    @Test func localhostThroughTheSystemResolverIsAllowedWhenLoopbackIs() async throws {
        let guard_ = AddressGuard(policy: try AddressPolicy(parsingAllowedNetworks: "127.0.0.0/8, ::1/128"))
        let address = try await guard_.vet(host: "localhost")
        #expect(address == IPAddress("127.0.0.1") || address == IPAddress("::1"))
    }

    @Test func anUnknownNameThroughTheSystemResolverIsAResolutionFailure() async throws {
        let guard_ = AddressGuard(policy: AddressPolicy())
        let error = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "no-such-host.invalid") }
        #expect(error?.isResolutionFailure == true)
        #expect(error?.description.hasPrefix(#"The host "no-such-host.invalid" could not be resolved: "#) == true)
    }
}

/// Resolved addresses are remembered for a while; each use is still vetted.
@Suite struct ResolutionCacheTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    final class CountingResolver: Sendable {
        let calls = Mutex<[String]>([])
        let answer = Mutex<[String]>(["93.184.216.34"])
        func resolve(_ host: String) async throws -> [IPAddress] {
            calls.withLock { $0.append(host) }
            let answer = self.answer.withLock { $0 }
            if answer.isEmpty { throw SystemResolverError(description: "no such host") }
            return answer.map { IPAddress($0)! }
        }
    }

    @Test func answersAreReusedUntilTheyExpireAndFailuresAreNotKept() async throws {
        let clock = Clock()
        let resolver = CountingResolver()
        let cache = ResolutionCache(lifetime: 30, now: { clock.now.withLock { $0 } }, resolver: resolver.resolve)
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: cache.resolve)

        #expect(try await guard_.vet(host: "hooks.example.com") == IPAddress("93.184.216.34"))
        clock.advance(29)
        #expect(try await guard_.vet(host: "HOOKS.example.com") == IPAddress("93.184.216.34"))
        #expect(resolver.calls.withLock { $0.count } == 1)

        // Expired: asked again, and the new answer is vetted (a record now pointing inside is refused).
        resolver.answer.withLock { $0 = ["10.0.0.7"] }
        clock.advance(2)
        let refused = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "hooks.example.com") }
        #expect(refused?.isBlockedAddress == true)
        #expect(resolver.calls.withLock { $0.count } == 2)

        // A failed lookup is not remembered: the next delivery asks again.
        resolver.answer.withLock { $0 = [] }
        _ = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "gone.example.com") }
        _ = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "gone.example.com") }
        #expect(resolver.calls.withLock { $0.filter { $0 == "gone.example.com" }.count } == 2)
    }

    /// Deliveries start without a task when the guard can answer at once; it must vet exactly as `vet` does.
    @Test func vettingWithoutALookupAnswersOnlyWhatNeedsNone() async throws {
        let clock = Clock()
        let resolver = CountingResolver()
        let cache = ResolutionCache(lifetime: 30, now: { clock.now.withLock { $0 } }, resolver: resolver.resolve)
        let guard_ = AddressGuard(policy: AddressPolicy(), resolver: cache.resolve, remembered: cache.remembered)

        // Literals need no lookup, and are vetted all the same.
        #expect(try guard_.vetWithoutLookup(host: "93.184.216.34") == IPAddress("93.184.216.34"))
        #expect(throws: AddressGuardError.self) { try guard_.vetWithoutLookup(host: "0x7f000001") }
        // A name nobody looked up yet needs a lookup; once looked up, it is answered until the answer expires.
        #expect(try guard_.vetWithoutLookup(host: "hooks.example.com") == nil)
        _ = try await guard_.vet(host: "hooks.example.com")
        #expect(try guard_.vetWithoutLookup(host: "Hooks.Example.com") == IPAddress("93.184.216.34"))
        clock.advance(31)
        #expect(try guard_.vetWithoutLookup(host: "hooks.example.com") == nil)
        // A remembered answer is vetted on every use.
        resolver.answer.withLock { $0 = ["93.184.216.34", "169.254.169.254"] }
        _ = await #expect(throws: AddressGuardError.self) { try await guard_.vet(host: "mixed.example.com") }
        let refused = #expect(throws: AddressGuardError.self) { try guard_.vetWithoutLookup(host: "mixed.example.com") }
        #expect(refused?.isBlockedAddress == true)
        #expect(resolver.calls.withLock { $0.count } == 2)
    }
}
