import NIOPosix

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension AddressGuard {
    /// Resolves a host name with `getaddrinfo` (`AF_UNSPEC`, `SOCK_STREAM`), in the order it returns them.
    ///
    /// The blocking call runs on NIO's shared blocking pool (`NIOThreadPool.singleton.runIfActive`), never on an event
    /// loop or a Swift concurrency thread. Cancellation is honoured only before the lookup starts; a started lookup
    /// takes as long as the system resolver's own timeouts (`/etc/resolv.conf`).
    public static let systemResolver: @Sendable (String) async throws -> [IPAddress] = { host in
        try await NIOThreadPool.singleton.runIfActive { try resolveWithGetaddrinfo(host) }
    }

    /// The blocking lookup itself; call it only off the event loops.
    static func resolveWithGetaddrinfo(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            throw SystemResolverError(description: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var addresses: [IPAddress] = []
        var cursor = list
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            guard let socketAddress = entry.pointee.ai_addr else { continue }
            let raw = UnsafeRawPointer(socketAddress)
            let bytes: [UInt8]
            switch entry.pointee.ai_family {
            case AF_INET:
                var address = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
                bytes = withUnsafeBytes(of: &address) { Array($0) }
            case AF_INET6:
                var address = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                bytes = withUnsafeBytes(of: &address) { Array($0) }
            default:
                continue
            }
            let address = IPAddress(bytes: bytes)
            if !addresses.contains(address) {
                addresses.append(address)
            }
        }
        return addresses
    }
}

/// `getaddrinfo` failed; the description is the system's short reason (`gai_strerror`).
struct SystemResolverError: Error, Sendable, CustomStringConvertible {
    let description: String
}
