import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `POST /api/v1/stats/usage/app` (`svix.statistics.aggregate_app_stats`): how many deliveries (message ×
/// endpoint, Svix's `messageDestinations`) each application's messages of a time window made, for usage reports
/// and billing. It runs as the background task `application.stats`, whose `data.appStats` holds the figures
/// (`GET /api/v1/background-task/{id}`, and `background_task.finished`).
struct StatisticsRoutes {
    let store: any Store
    let configuration: APIConfiguration
    let tasks: BackgroundTaskStarter

    func register(on router: Router<HeraldRequestContext>) {
        router.post("/api/v1/stats/usage/app") { request, context in
            let input = try await JSONCoding.decode(
                AppUsageStatsIn.self, request: request, context: context, limit: configuration.maximumBodyBytes)
            let (since, until) = try input.range()
            var requested: [HeraldCore.Application]?
            var unresolved: [String] = []
            if let keys = input.appIds {
                var found: [HeraldCore.Application] = []
                for key in keys {
                    do {
                        found.append(try await store.application(key))
                    } catch let error as HeraldError where error.isNotFound {
                        unresolved.append(key)
                    }
                }
                guard !found.isEmpty || keys.isEmpty else {
                    throw ValidationError(["body", "appIds"], "None of these applications exists")
                }
                requested = found
            }
            let chosen = requested
            let task = try await tasks.start(.applicationStats, applicationID: "") { [store] in
                let usage = try await store.applicationUsage(
                    applications: chosen.map { $0.map(\.id) }, since: since, until: until)
                var stats = Dictionary(uniqueKeysWithValues: usage.map { ($0.applicationID, $0) })
                // Applications asked for by name are listed even when their messages made no deliveries.
                for application in chosen ?? [] where stats[application.id] == nil {
                    stats[application.id] = ApplicationUsage(
                        applicationID: application.id, applicationUID: application.uid, messageDestinations: 0)
                }
                let rows = stats.values.sorted { $0.applicationID < $1.applicationID }
                return (
                    rows.reduce(0) { $0 + $1.messageDestinations },
                    .object(["appStats": .array(rows.map(AppUsageStatsIn.row))])
                )
            }
            return try JSONCoding.response(AppUsageStatsOut(task, unresolvedAppIds: unresolved), status: .accepted)
        }
    }
}

/// Svix's `AppUsageStatsIn`.
struct AppUsageStatsIn: Decodable, Sendable {
    var since: String
    var until: String
    /// Applications (ids or uids) to count; every application with deliveries in the window when absent.
    var appIds: [String]?

    func range() throws -> (Date, Date) {
        let (since, until) = try RecoverIn(since: since, until: until).range()
        return (since, until ?? since)
    }

    /// One application's figures as `data.appStats` lists them.
    static func row(_ usage: ApplicationUsage) -> JSONValue {
        .object([
            "appId": .string(usage.applicationID),
            "appUid": usage.applicationUID.map(JSONValue.string) ?? .null,
            "messageDestinations": .integer(Int64(usage.messageDestinations)),
        ])
    }
}

/// Svix's `AppUsageStatsOut`.
struct AppUsageStatsOut: Encodable, Sendable {
    var id: String
    var status: String
    var task: String
    var updatedAt: Date
    var unresolvedAppIds: [String]

    init(_ task: BackgroundTask, unresolvedAppIds: [String]) {
        id = task.id
        status = task.status.rawValue
        self.task = task.kind.rawValue
        updatedAt = task.updatedAt
        self.unresolvedAppIds = unresolvedAppIds
    }
}
