import Foundation
import HeraldDelivery
import Logging
import Testing

@testable import herald

@Suite struct SettingsTests {
    func configFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func failure(_ work: () throws -> Void) -> String? {
        do {
            try work()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func configFileReadsFlatTOML() throws {
        let file = try ConfigFile(
            path: "herald.toml",
            text: """
                # Herald
                host = "0.0.0.0"   # everywhere
                port = 9_000
                delivery = false
                allowed-networks = ["10.0.0.0/8", '127.0.0.0/8']
                operational-app = "ops \\"app\\""

                request-timeout = '20s'
                """
        )
        #expect(file.entries["host"]?.text == "0.0.0.0")
        #expect(file.entries["port"] == ConfigFile.Entry(text: "9000", line: 3))
        #expect(file.entries["delivery"]?.text == "false")
        #expect(file.entries["allowed-networks"]?.text == "10.0.0.0/8,127.0.0.0/8")
        #expect(file.entries["operational-app"]?.text == "ops \"app\"")
        #expect(file.entries["request-timeout"]?.text == "20s")
    }

    @Test(arguments: [
        ("[server]\nport = 1", "herald.toml:1: tables are not supported"),
        ("port = 1\nport = 2", "herald.toml:2: key 'port' is set twice"),
        ("host = localhost", "herald.toml:1: 'localhost' is not a TOML value"),
        ("host = \"open", "herald.toml:1: unterminated string"),
        ("port 8080", "herald.toml:1: expected '='"),
        ("port = 8080 8081", "herald.toml:1: unexpected text after the value"),
    ])
    func malformedConfigFilesNameTheLine(text: String, message: String) {
        let error = failure { _ = try ConfigFile(path: "herald.toml", text: text) }
        #expect(error?.hasPrefix(message) == true, "\(error ?? "no error")")
    }

    @Test func unknownKeyInTheFileIsRejectedByName() throws {
        let path = try configFile("port = 8080\nretry-shedule = \"5s\"\n")
        let error = failure { _ = try SettingValues(flags: ["config": path], environment: [:]) }
        #expect(error == "\(path):2: unknown setting 'retry-shedule'")
    }

    @Test func flagWinsOverEnvironmentOverFileOverDefault() throws {
        let path = try configFile("port = 7001\nhost = \"10.1.1.1\"\nlog-level = \"debug\"\n")
        let environment = ["HERALD_CONFIG": path, "HERALD_PORT": "7002", "HERALD_HOST": "10.2.2.2"]
        let values = try SettingValues(flags: ["port": "7003"], environment: environment)
        let configuration = try HeraldConfiguration(values)
        #expect(configuration.server.port == 7003)
        #expect(configuration.server.host == "10.2.2.2")
        #expect(configuration.logs.level == .debug)
        #expect(configuration.server.maximumBodyBytes == 1 << 20)
        #expect(configuration.logs.format == .text)
    }

    @Test func badValuesNameTheSettingWhereverTheyCameFrom() throws {
        let path = try configFile("\nendpoint-concurrency = 0\n")
        #expect(
            failure { _ = try HeraldConfiguration(SettingValues(flags: ["config": path], environment: [:])) }
                == "endpoint-concurrency (\(path):2): must be an integer at least 1, got '0'"
        )
        #expect(
            failure { _ = try HeraldConfiguration(SettingValues(flags: [:], environment: ["HERALD_PORT": "eighty"])) }
                == "HERALD_PORT: must be an integer between 1 and 65535, got 'eighty'"
        )
        #expect(
            failure { _ = try HeraldConfiguration(SettingValues(flags: ["request-timeout": "soon"], environment: [:])) }
                == "--request-timeout: must be a positive duration such as 15s, 500ms, 2m, 3h or 5d, got 'soon'"
        )
        #expect(
            failure { _ = try HeraldConfiguration(SettingValues(flags: ["log-format": "xml"], environment: [:])) }
                == "--log-format: must be one of text, json, got 'xml'"
        )
        #expect(
            failure {
                _ = try HeraldConfiguration(
                    SettingValues(flags: ["lease-duration": "10s"], environment: ["HERALD_REQUEST_TIMEOUT": "15s"]))
            }?.hasPrefix("--lease-duration: must be longer than the request timeout (15s)") == true
        )
        #expect(
            failure {
                _ = try HeraldConfiguration(
                    SettingValues(
                        flags: [:],
                        environment: [
                            "HERALD_LEASE_DURATION": "20s", "HERALD_POLL_INTERVAL": "10s", "HERALD_REQUEST_TIMEOUT": "5s",
                        ]
                    ))
            }?.hasPrefix("HERALD_LEASE_DURATION: must be at least three poll intervals (30s)") == true
        )
        let networks = failure {
            _ = try HeraldConfiguration(SettingValues(flags: [:], environment: ["HERALD_ALLOWED_NETWORKS": "10.0.0.0/33"]))
        }
        #expect(networks?.hasPrefix("HERALD_ALLOWED_NETWORKS: ") == true)
        #expect(
            failure { _ = try SettingValues(flags: ["config": "/nonexistent/herald.toml"], environment: [:]) }
                == "cannot read config file /nonexistent/herald.toml")
    }

    @Test func appPortalURLIsAnHTTPURLWithoutAFragment() throws {
        #expect(try HeraldConfiguration(SettingValues(flags: [:], environment: [:])).server.appPortalURL == nil)
        let good = try SettingValues(flags: [:], environment: ["HERALD_APP_PORTAL_URL": "https://example.com/portal"])
        #expect(try HeraldConfiguration(good).server.appPortalURL == "https://example.com/portal")
        for bad in ["portal", "ftp://example.com/", "https://example.com/#key", "https:///path"] {
            let error = failure { _ = try HeraldConfiguration(SettingValues(flags: ["app-portal-url": bad], environment: [:])) }
            #expect(error?.hasPrefix("--app-portal-url: must be an http or https URL") == true, "\(bad): \(error ?? "no error")")
        }
    }

    @Test func idleTimeoutDefaultsToAMinuteAndMustBePositive() throws {
        #expect(try HeraldConfiguration(SettingValues(flags: [:], environment: [:])).server.idleTimeout == 60)
        let values = try SettingValues(flags: [:], environment: ["HERALD_IDLE_TIMEOUT": "90s"])
        #expect(try HeraldConfiguration(values).server.idleTimeout == 90)
        #expect(
            failure { _ = try HeraldConfiguration(SettingValues(flags: ["idle-timeout": "0s"], environment: [:])) }
                == "--idle-timeout: must be a positive duration such as 15s, 500ms, 2m, 3h or 5d, got '0s'"
        )
    }

    @Test func deliverySettingsReachTheEngineConfiguration() throws {
        let values = try SettingValues(
            flags: ["no-such": "x"],
            environment: [
                "HERALD_RETRY_SCHEDULE": "1s,2m", "HERALD_CIRCUIT_COOLDOWN": "20m", "HERALD_SIGNATURE_HEADERS": "BOTH",
                "HERALD_DELIVERY": "off", "HERALD_OPERATIONAL_APP": "ops", "HERALD_DISABLE_AFTER": "2d",
            ]
        )
        let configuration = try HeraldConfiguration(values)
        #expect(configuration.delivery.retrySchedule.delays == [1, 120])
        #expect(configuration.delivery.circuit.cooldown == 1200)
        #expect(configuration.delivery.circuit.maximumCooldown == 1200)
        #expect(configuration.delivery.signatureHeaders == .both)
        #expect(configuration.delivery.operationalApplication == "ops")
        #expect(configuration.delivery.disableAfter == 2 * 86_400)
        #expect(configuration.deliveryEnabled == false)
    }

    @Test func outboundProxyIsAnHTTPURLWithAPortAndASecret() throws {
        #expect(try HeraldConfiguration(SettingValues(flags: [:], environment: [:])).delivery.outboundProxy == nil)
        let values = try SettingValues(flags: [:], environment: ["HERALD_OUTBOUND_PROXY": "http://u:p@squid.internal:3128"])
        let proxy = try #require(try HeraldConfiguration(values).delivery.outboundProxy)
        #expect(proxy.host == "squid.internal" && proxy.port == 3128 && proxy.description == "http://***@squid.internal:3128")
        #expect(Setting.outboundProxy.isSecret)
        let error = failure {
            _ = try HeraldConfiguration(
                SettingValues(flags: ["outbound-proxy": "https://u:hunter2@squid:3128"], environment: [:]))
        }
        #expect(error?.hasPrefix("--outbound-proxy: must be an http:// URL") == true, "\(error ?? "no error")")
        #expect(error?.contains("hunter2") == false)
        #expect(
            failure {
                _ = try HeraldConfiguration(SettingValues(flags: [:], environment: ["HERALD_OUTBOUND_PROXY": "http://squid"]))
            }
                == "HERALD_OUTBOUND_PROXY: must name the proxy's port, like http://squid:3128")
    }

    @Test func misspelledEnvironmentVariablesAreReported() throws {
        let values = try SettingValues(flags: [:], environment: ["HERALD_PROT": "1", "HERALD_PORT": "2", "HOME": "/"])
        #expect(values.unknownEnvironmentNames == ["HERALD_PROT"])
    }

    @Test func everySettingHasAFlagOnServe() {
        let help = Serve.helpMessage(columns: 400)
        for setting in Setting.all {
            let flag = setting == .delivery ? "--no-delivery" : setting.flag
            #expect(help.contains(flag), "serve has no \(flag)")
            #expect(help.contains(setting.environmentName), "serve's help does not name \(setting.environmentName)")
        }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func exampleConfigFileIsValidAndSetsOnlyKnownKeys() throws {
        let path = Self.repository.appendingPathComponent("ops/config/herald.example.toml").path
        let values = try SettingValues(flags: ["config": path], environment: [:])
        let configuration = try HeraldConfiguration(values)
        #expect(configuration.logs.format == .json)
        #expect(values.string(.dataDir) == "/var/lib/herald")
    }

    @Test func readmeConfigurationTableMatchesTheCode() throws {
        let readme = Self.repository.appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.contains(ConfigCommand.referenceTable()), "run `swift run herald config reference` and paste it")
    }
}
