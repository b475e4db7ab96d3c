import Foundation
import HeraldPostgres
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The PostgreSQL server named by `HERALD_TEST_DATABASE_URL` (start one with `ops/postgres/test-server.sh start`),
/// when it is set and reachable. Each test gets a database of its own on it, dropped afterwards.
struct PostgresTestServer: Sendable {
    /// The server URL as given; it must allow CREATE DATABASE.
    let url: String
    let configuration: PostgresStoreConfiguration

    /// The server, or nil after printing one line that says why PostgreSQL store tests are skipped.
    static let available: PostgresTestServer? = {
        switch probe() {
        case .success(let server):
            return server
        case .failure(let reason):
            print("PostgreSQL store tests skipped: \(reason.description)")
            return nil
        }
    }()

    /// Why the server is not available, for test traits' comments.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    static func required() throws -> PostgresTestServer {
        guard let available else { throw Unavailable(description: "no PostgreSQL test server") }
        return available
    }

    private static func probe() -> Result<PostgresTestServer, Unavailable> {
        guard let url = ProcessInfo.processInfo.environment["HERALD_TEST_DATABASE_URL"], !url.isEmpty else {
            return .failure(Unavailable(description: "HERALD_TEST_DATABASE_URL is not set"))
        }
        let configuration: PostgresStoreConfiguration
        do {
            configuration = try PostgresStoreConfiguration(url: url)
        } catch {
            return .failure(Unavailable(description: "HERALD_TEST_DATABASE_URL: \(error)"))
        }
        guard canConnect(host: configuration.host, port: configuration.port) else {
            return .failure(
                Unavailable(description: "cannot reach \(configuration.host):\(configuration.port) (HERALD_TEST_DATABASE_URL)")
            )
        }
        return .success(PostgresTestServer(url: url, configuration: configuration))
    }

    /// Whether a TCP connection to `host:port` opens within a few seconds (a blocking probe: the list of test
    /// arguments is computed synchronously).
    private static func canConnect(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if descriptor >= 0 {
                var timeout = timeval(tv_sec: 3, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let connected = connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
                close(descriptor)
                if connected { return true }
            }
            entry = info.pointee.ai_next
        }
        return false
    }

    /// Creates an empty database, runs `body` with its URL, and drops it (also when `body` throws).
    func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        let name = "herald_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin("CREATE DATABASE \(name)")
        do {
            let value = try await body(databaseURL(name))
            try await admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return value
        } catch {
            try? await admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }

    /// The server URL pointed at database `name`, with a small pool (many tests run at once) unless one is given.
    func databaseURL(_ name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + name
        var items = components.queryItems ?? []
        if !items.contains(where: { $0.name == "pool_max" }) { items.append(URLQueryItem(name: "pool_max", value: "5")) }
        components.queryItems = items
        return components.string!
    }

    private func admin(_ sql: String) async throws {
        let client = PostgresClient(configuration: configuration.clientConfiguration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }
}

/// Runs `count` stores on the database `url` (like that many Herald instances), migrated, for `body`.
func withRunningPostgresStores<T>(url: String, count: Int, migrate: Bool = true, _ body: ([PostgresStore]) async throws -> T)
    async throws -> T
{
    let stores = try (0..<count).map { _ in
        try PostgresStore(url: url, cipher: storeTestCipher, logger: Logger(label: "herald-test"))
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for store in stores { group.addTask { await store.run() } }
        defer { group.cancelAll() }
        if migrate {
            for store in stores { try await store.migrate() }
        }
        return try await body(stores)
    }
}
