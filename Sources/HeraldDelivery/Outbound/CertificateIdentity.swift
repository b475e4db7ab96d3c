import NIOSSL

/// Whether a server's certificate names the host of the endpoint's URL.
///
/// NIOSSL's own check also accepts a certificate whose IP address entry is the address connected to, whatever the
/// URL's host. Herald always connects to an address (the one the guard vetted), so with that rule a server that
/// answers a forged lookup with its own address, and holds a certificate for that address, would pass as any host.
/// Here a host name must be one of the certificate's DNS names, and an IP literal one of its IP addresses.
enum CertificateIdentity {
    /// - Parameter host: the URL's host, without the brackets of an IPv6 literal.
    static func certificate(_ certificate: NIOSSLCertificate, names host: String) -> Bool {
        let names = certificate._subjectAlternativeNames()
        if let address = IPAddress(host) {
            return names.contains { name in
                name.nameType == .ipAddress && name.contents.elementsEqual(address.bytes)
            }
        }
        let wanted = normalized(host.utf8)
        return names.contains { name in
            name.nameType == .dnsName && dnsName(normalized(name.contents), matches: wanted)
        }
    }

    /// A DNS name of a certificate against a host, both lowercase without a trailing dot: equal, or a wildcard
    /// that stands for the host's whole first label (`*.example.com` names `a.example.com`, not `example.com`
    /// nor `a.b.example.com`). Partial wildcards (`a*.example.com`) and wildcards over a single label (`*.com`)
    /// name nothing.
    static func dnsName(_ name: [UInt8], matches host: [UInt8]) -> Bool {
        guard !name.isEmpty, !host.isEmpty else { return false }
        guard name.starts(with: [UInt8(ascii: "*"), UInt8(ascii: ".")]) else {
            return !name.contains(UInt8(ascii: "*")) && name == host
        }
        let suffix = name.dropFirst(1)  // ".example.com"
        guard !suffix.dropFirst().contains(UInt8(ascii: "*")), suffix.dropFirst().contains(UInt8(ascii: ".")),
            let dot = host.firstIndex(of: UInt8(ascii: ".")), dot > 0
        else { return false }
        return host[dot...].elementsEqual(suffix)
    }

    private static func normalized(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var lower = bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        if lower.last == UInt8(ascii: ".") { lower.removeLast() }
        return lower
    }
}
