import ArgumentParser
import Foundation
import HeraldAPI
import HeraldDelivery
import HeraldStore
import Hummingbird
import Logging

/// `herald serve`: the HTTP API on the embedded SQLite store.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Herald service.")

    @Option(help: "Address to listen on (env HERALD_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env HERALD_PORT, default 8071).") var port: Int?
    @Option(help: "Largest accepted request body in bytes (env HERALD_MAX_BODY_BYTES, default 1048576).")
    var maxBodyBytes: Int?
    @Flag(
        inversion: .prefixedNo,
        help: "Run the delivery engine in this process (env HERALD_DELIVERY=on|off, default on). Off serves the API only."
    )
    var delivery: Bool?
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = self.host ?? environment["HERALD_HOST"] ?? "127.0.0.1"
        let port = try self.port ?? Self.integer(environment, "HERALD_PORT") ?? 8071
        let maxBodyBytes = try self.maxBodyBytes ?? Self.integer(environment, "HERALD_MAX_BODY_BYTES") ?? 1 << 20
        guard (1...65535).contains(port) else { throw CommandFailure("port must be between 1 and 65535, got \(port)") }
        guard maxBodyBytes > 0 else { throw CommandFailure("max body bytes must be positive") }
        let adminToken = environment["HERALD_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }

        var logger = Logger(label: "herald")
        logger.logLevel = .info
        let store = try self.store.openStore()
        if adminToken == nil, try await store.tokenCount() == 0 {
            let token = try await TokenIssuer.issue(name: "initial", store: store)
            print("Created API token: \(token)")
            print("Keep it safe: it is shown only once. Make more with `herald token create`.")
        }

        var deliveryConfiguration = try DeliverySettings.configuration(from: environment)
        deliveryConfiguration.instanceID = try self.store.instanceID()
        let deliveryEnabled = try self.delivery ?? Self.switchValue(environment, "HERALD_DELIVERY") ?? true
        let scheduler = deliveryEnabled
            ? DeliveryScheduler(store: store, configuration: deliveryConfiguration, logger: logger) : nil
        let router = HeraldRouter.make(
            store: store,
            configuration: APIConfiguration(maximumBodyBytes: maxBodyBytes, adminToken: adminToken),
            delivery: scheduler,
            events: OperationalEvents(store: store, application: deliveryConfiguration.operationalApplication, logger: logger)
        )
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "Herald/\(Herald.version)"),
            onServerRunning: { _ in
                FileHandle.standardError.write(Data("Herald listening on http://\(host):\(port)\n".utf8))
            },
            logger: logger
        )
        app.addServices(StoreMaintenance(checkpointer: try SQLiteCheckpointer(store: store, logger: logger)))
        if let scheduler { app.addServices(scheduler) }
        do {
            try await app.runService()
        } catch {
            throw CommandFailure("cannot serve on \(host):\(port): \(error)")
        }
    }

    static func switchValue(_ environment: [String: String], _ name: String) throws -> Bool? {
        guard let text = environment[name]?.lowercased(), !text.isEmpty else { return nil }
        switch text {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw CommandFailure("\(name) must be on or off, got '\(text)'")
        }
    }

    static func integer(_ environment: [String: String], _ name: String) throws -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw CommandFailure("\(name) must be an integer, got '\(text)'") }
        return value
    }
}
