import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertBackgroundTask(_ task: BackgroundTask) async throws {
        try await write { context in
            try context.db.execute(
                sql: """
                    INSERT INTO background_task (id, task, status, item_count, created_at, updated_at, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    task.id, task.kind.rawValue, task.status.rawValue, task.count,
                    Column.milliseconds(task.createdAt), Column.milliseconds(task.updatedAt), try Column.json(task.details),
                ]
            )
        }
    }

    public func updateBackgroundTask(_ task: BackgroundTask) async throws {
        try await write { context in
            try context.db.execute(
                sql: "UPDATE background_task SET status = ?, item_count = ?, updated_at = ?, data = ? WHERE id = ?",
                arguments: [
                    task.status.rawValue, task.count, Column.milliseconds(task.updatedAt), try Column.json(task.details),
                    task.id,
                ]
            )
            if context.db.changesCount == 0 { throw HeraldError.notFound("Background task not found") }
        }
    }

    public func touchBackgroundTasks(_ ids: [String], now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await write { context in
            try context.db.execute(
                sql: """
                    UPDATE background_task SET updated_at = ?
                    WHERE status = 'running' AND id IN (\(databaseQuestionMarks(count: ids.count)))
                    """,
                arguments: StatementArguments([Column.milliseconds(now)]) + StatementArguments(ids)
            )
        }
    }

    public func failAbandonedBackgroundTasks(updatedBefore: Date, now: Date) async throws -> Int {
        try await write { context in
            try context.db.execute(
                sql: "UPDATE background_task SET status = 'failed', updated_at = ? WHERE status = 'running' AND updated_at < ?",
                arguments: [Column.milliseconds(now), Column.milliseconds(updatedBefore)]
            )
            return context.db.changesCount
        }
    }

    public func backgroundTask(_ id: String) async throws -> BackgroundTask {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM background_task WHERE id = ?", arguments: [id])
            else { throw HeraldError.notFound("Background task not found") }
            return try BackgroundTask(row: row)
        }
    }

    public func backgroundTasks(filter: BackgroundTaskFilter, _ page: PageRequest) async throws -> Page<BackgroundTask> {
        try await read { db in
            var query = SQLitePagedQuery(select: "SELECT * FROM background_task", key: "id")
            if let status = filter.status { query.filter("status = ?", [status.rawValue]) }
            if let kind = filter.kind { query.filter("task = ?", [kind.rawValue]) }
            return Page(fetched: try query.fetch(db, page).map(BackgroundTask.init(row:)), request: page, key: \.id)
        }
    }

    public func applicationUsage(applications: [String]?, since: Date, until: Date) async throws -> [ApplicationUsage] {
        let range = [
            Identifier.lowerBound(prefix: Identifier.messagePrefix, milliseconds: Column.milliseconds(since)),
            Identifier.lowerBound(prefix: Identifier.messagePrefix, milliseconds: Column.milliseconds(until)),
        ]
        return try await read { db in
            // Deliveries are keyed by message id, and message ids are time-ordered: the window is a key range.
            var sql = """
                SELECT d.app_id AS app_id, a.uid AS uid, COUNT(*) AS destinations
                FROM delivery d JOIN application a ON a.id = d.app_id
                WHERE d.message_id >= ? AND d.message_id < ?
                """
            var arguments = StatementArguments(range)
            if let applications {
                sql += " AND d.app_id IN (\(databaseQuestionMarks(count: applications.count)))"
                arguments += StatementArguments(applications)
            }
            sql += " GROUP BY d.app_id ORDER BY d.app_id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                ApplicationUsage(applicationID: $0["app_id"], applicationUID: $0["uid"], messageDestinations: $0["destinations"])
            }
        }
    }
}

extension BackgroundTask {
    /// Only Herald writes the table, so the names always parse; the fallbacks keep a read from failing regardless.
    init(row: Row) throws {
        self.init(
            id: row["id"],
            kind: Kind(rawValue: row["task"]) ?? .endpointRecover,
            status: Status(rawValue: row["status"]) ?? .finished,
            count: row["item_count"],
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"]),
            details: try Column.decode(JSONValue.self, row["data"])
        )
    }
}
