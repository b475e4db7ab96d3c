import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func insertBackgroundTask(_ task: BackgroundTask) async throws {
        try await read { connection in
            try await connection.rows(
                """
                INSERT INTO background_task (id, task, status, item_count, created_at, updated_at, data)
                VALUES (\(task.id), \(task.kind.rawValue), \(task.status.rawValue), \(task.count),
                    \(PostgresColumn.milliseconds(task.createdAt)), \(PostgresColumn.milliseconds(task.updatedAt)),
                    \(try PostgresColumn.json(task.details)))
                """,
                logger: logger
            )
        }
    }

    public func updateBackgroundTask(_ task: BackgroundTask) async throws {
        try await read { connection in
            let updated = try await connection.rows(
                """
                UPDATE background_task SET status = \(task.status.rawValue), item_count = \(task.count),
                    updated_at = \(PostgresColumn.milliseconds(task.updatedAt)), data = \(try PostgresColumn.json(task.details))
                WHERE id = \(task.id) RETURNING id
                """,
                logger: logger
            )
            if updated.isEmpty { throw HeraldError.notFound("Background task not found") }
        }
    }

    public func touchBackgroundTasks(_ ids: [String], now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await read { connection in
            try await connection.rows(
                """
                UPDATE background_task SET updated_at = \(PostgresColumn.milliseconds(now))
                WHERE status = 'running' AND id = ANY(\(ids)::TEXT[])
                """,
                logger: logger
            )
        }
    }

    public func failAbandonedBackgroundTasks(updatedBefore: Date, now: Date) async throws -> Int {
        try await read { connection in
            try await connection.count(
                """
                WITH failed AS (
                    UPDATE background_task SET status = 'failed', updated_at = \(PostgresColumn.milliseconds(now))
                    WHERE status = 'running' AND updated_at < \(PostgresColumn.milliseconds(updatedBefore))
                    RETURNING 1
                )
                SELECT count(*) FROM failed
                """,
                logger: logger
            )
        }
    }

    public func backgroundTask(_ id: String) async throws -> BackgroundTask {
        try await read { connection in
            // PostgreSQL text cannot hold NUL, so no task id has one; querying with it would fail.
            guard !id.utf8.contains(0),
                let row = try await connection.row("SELECT * FROM background_task WHERE id = \(id)", logger: logger)
            else { throw HeraldError.notFound("Background task not found") }
            return try BackgroundTask(postgresRow: row)
        }
    }

    public func backgroundTasks(filter: BackgroundTaskFilter, _ page: PageRequest) async throws -> Page<BackgroundTask> {
        try await read { connection in
            var query = PostgresPagedQuery(select: "SELECT * FROM background_task", key: "id")
            if let status = filter.status { query.filter("status = \(query.bind(status.rawValue))") }
            if let kind = filter.kind { query.filter("task = \(query.bind(kind.rawValue))") }
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map(BackgroundTask.init(postgresRow:)), request: page, key: \.id)
        }
    }

    public func applicationUsage(applications: [String]?, since: Date, until: Date) async throws -> [ApplicationUsage] {
        let from = Identifier.lowerBound(prefix: Identifier.messagePrefix, milliseconds: PostgresColumn.milliseconds(since))
        let to = Identifier.lowerBound(prefix: Identifier.messagePrefix, milliseconds: PostgresColumn.milliseconds(until))
        return try await read { connection in
            // Deliveries are keyed by message id, and message ids are time-ordered: the window is a key range.
            let rows = try await connection.rows(
                """
                SELECT d.app_id AS app_id, a.uid AS uid, count(*) AS destinations
                FROM delivery d JOIN application a ON a.id = d.app_id
                WHERE d.message_id >= \(from) AND d.message_id < \(to)
                    AND (\(applications == nil) OR d.app_id = ANY(\(applications ?? [])::TEXT[]))
                GROUP BY d.app_id, a.uid ORDER BY d.app_id
                """,
                logger: logger
            )
            return try rows.map {
                ApplicationUsage(
                    applicationID: try $0.value("app_id"), applicationUID: try $0.value("uid", as: String?.self),
                    messageDestinations: try $0.value("destinations", as: Int.self))
            }
        }
    }
}

extension BackgroundTask {
    /// Only Herald writes the table, so the names always parse; the fallbacks keep a read from failing regardless.
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row.value("id"),
            kind: Kind(rawValue: try row.value("task")) ?? .endpointRecover,
            status: Status(rawValue: try row.value("status")) ?? .finished,
            count: try row.value("item_count", as: Int.self),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            details: try PostgresColumn.decode(JSONValue.self, row.value("data"))
        )
    }
}
