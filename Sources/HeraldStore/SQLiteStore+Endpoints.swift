import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertEndpoint(_ endpoint: Endpoint) async throws -> Endpoint {
        let columns = secretColumns
        return try await write { context in
            context.invalidate()
            var endpoint = endpoint
            endpoint.applicationID = try Self.applicationID(context.db, endpoint.applicationID)
            try Self.mappingConflicts("An endpoint with this uid already exists") {
                try Self.saveEndpoint(context.db, endpoint, insert: true, columns)
            }
            return endpoint
        }
    }

    public func endpoint(application: String, _ endpoint: String) async throws -> Endpoint {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            return try Endpoint(row: Self.endpointRow(db, applicationID: applicationID, endpoint))
        }
    }

    public func endpoints(application: String, _ page: PageRequest) async throws -> Page<Endpoint> {
        try await read { db in
            var query = SQLitePagedQuery(select: "SELECT * FROM endpoint", key: "id")
            query.filter("app_id = ?", [try Self.applicationID(db, application)])
            return Page(fetched: try query.fetch(db, page).map(Endpoint.init(row:)), request: page, key: \.id)
        }
    }

    public func updateEndpoint(
        application: String,
        _ endpoint: String,
        _ change: @escaping @Sendable (inout Endpoint) throws -> Void
    ) async throws -> Endpoint {
        let columns = secretColumns
        let updated = try await write { context in
            context.invalidate()
            let applicationID = try Self.applicationID(context.db, application)
            var stored = try Endpoint(row: Self.endpointRow(context.db, applicationID: applicationID, endpoint))
            let (id, owner, wasDisabled) = (stored.id, stored.applicationID, stored.disabled)
            try change(&stored)
            (stored.id, stored.applicationID) = (id, owner)
            try Self.mappingConflicts("An endpoint with this uid already exists") {
                try Self.saveEndpoint(context.db, stored, insert: false, columns)
            }
            try context.db.execute(
                sql: "UPDATE delivery SET fifo = ? WHERE endpoint_id = ? AND fifo != ? AND status IN (1, 3)",
                arguments: [stored.fifo, stored.id, stored.fifo]
            )
            if wasDisabled && !stored.disabled {
                let now = Column.milliseconds(Date())
                try context.db.execute(
                    sql: """
                        UPDATE delivery SET next_attempt_at = ? WHERE endpoint_id = ? AND status IN (1, 3)
                          AND (lease_expires_at IS NULL OR lease_expires_at <= ?)
                        """,
                    arguments: [now, stored.id, now]
                )
                try context.db.execute(
                    sql: "UPDATE endpoint SET circuit = NULL, health = NULL, circuit_state = 'closed' WHERE id = ?",
                    arguments: [stored.id]
                )
                stored.circuitState = "closed"
            }
            return stored
        }
        ingestHandoff.withLock { $0 }?.endpointChanged(.updated(updated))
        return updated
    }

    public func deleteEndpoint(application: String, _ endpoint: String) async throws {
        let id = try await write { context in
            context.invalidate()
            let applicationID = try Self.applicationID(context.db, application)
            let id: String = try Self.endpointRow(context.db, applicationID: applicationID, endpoint)["id"]
            try context.db.execute(sql: "DELETE FROM endpoint WHERE id = ?", arguments: [id])
            return id
        }
        ingestHandoff.withLock { $0 }?.endpointChanged(.deleted(endpointID: id))
    }

    public func endpointStats(application: String, endpoint: String, since: Date?, until: Date?) async throws
        -> DeliveryStats
    {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            let id: String = try Self.endpointRow(db, applicationID: applicationID, endpoint)["id"]
            var sql = "SELECT status, COUNT(*) AS n FROM delivery WHERE endpoint_id = ?"
            var arguments: StatementArguments = [id]
            if let since {
                sql += " AND created_at >= ?"
                arguments += [Column.milliseconds(since)]
            }
            if let until {
                sql += " AND created_at <= ?"
                arguments += [Column.milliseconds(until)]
            }
            return try Self.countByStatus(db, sql: sql, arguments)
        }
    }

    public func attemptStats(application: String, endpoint: String, since: Date?, until: Date?) async throws
        -> DeliveryStats
    {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            let id: String = try Self.endpointRow(db, applicationID: applicationID, endpoint)["id"]
            // `attempt_by_endpoint` orders by id, and attempt ids are time-ordered: `since` bounds the scan.
            var sql = "SELECT status, COUNT(*) AS n FROM attempt WHERE app_id = ? AND endpoint_id = ?"
            var arguments: StatementArguments = [applicationID, id]
            if let since {
                sql += " AND id >= ? AND created_at >= ?"
                let milliseconds = Column.milliseconds(since)
                arguments += [Identifier.lowerBound(prefix: Identifier.attemptPrefix, milliseconds: milliseconds), milliseconds]
            }
            if let until {
                sql += " AND created_at <= ?"
                arguments += [Column.milliseconds(until)]
            }
            return try Self.countByStatus(db, sql: sql, arguments)
        }
    }

    /// Runs `sql` (`SELECT status, COUNT(*) AS n …` without its `GROUP BY status`) and collects the counts.
    private static func countByStatus(_ db: Database, sql: String, _ arguments: StatementArguments) throws
        -> DeliveryStats
    {
        var stats = DeliveryStats()
        for row in try Row.fetchAll(db, sql: sql + " GROUP BY status", arguments: arguments) {
            if let status = DeliveryStatus(rawValue: row["status"]) { stats[status] = row["n"] }
        }
        return stats
    }

    /// The endpoints of an application, read once per group transaction.
    static func endpoints(_ context: WriteContext, applicationID: String) throws -> [Endpoint] {
        if let cached = context.endpointsByApplication[applicationID] { return cached }
        let rows = try Row.fetchAll(
            context.db,
            sql: "SELECT * FROM endpoint WHERE app_id = ?",
            arguments: [applicationID]
        )
        let endpoints = try rows.map(Endpoint.init(row:))
        context.endpointsByApplication[applicationID] = endpoints
        return endpoints
    }

    /// Writes every column of `endpoint`, its secrets and headers sealed.
    private static func saveEndpoint(_ db: Database, _ endpoint: Endpoint, insert: Bool, _ columns: SecretColumns) throws {
        let arguments: StatementArguments = [
            endpoint.applicationID, endpoint.uid, endpoint.url, endpoint.description, endpoint.disabled,
            try Column.json(endpoint.eventTypes), try Column.json(endpoint.channels), endpoint.throttleRate,
            try Column.json(endpoint.metadata), try columns.sealHeaders(endpoint.headers, endpointID: endpoint.id),
            try columns.sealSecrets(endpoint.secrets, endpointID: endpoint.id),
            try Column.json(endpoint.retrySchedule), endpoint.fifo, Column.milliseconds(endpoint.createdAt),
            Column.milliseconds(endpoint.updatedAt), endpoint.id,
        ]
        let sql =
            insert
            ? """
            INSERT INTO endpoint (app_id, uid, url, description, disabled, event_types, channels, throttle_rate,
                metadata, headers, secrets, retry_schedule, fifo, created_at, updated_at, id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
            : """
            UPDATE endpoint SET app_id = ?, uid = ?, url = ?, description = ?, disabled = ?, event_types = ?,
                channels = ?, throttle_rate = ?, metadata = ?, headers = ?, secrets = ?, retry_schedule = ?, fifo = ?,
                created_at = ?, updated_at = ?
            WHERE id = ?
            """
        try db.execute(sql: sql, arguments: arguments)
    }
}
