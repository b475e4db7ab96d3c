import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func insertBackgroundTask(_ task: BackgroundTask) async throws {
        try await read { connection in
            try await connection.rows(
                """
                INSERT INTO background_task (id, task, status, item_count, created_at, updated_at)
                VALUES (\(task.id), \(task.kind.rawValue), \(task.status.rawValue), \(task.count),
                    \(PostgresColumn.milliseconds(task.createdAt)), \(PostgresColumn.milliseconds(task.updatedAt)))
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
            updatedAt: try row.date("updated_at")
        )
    }
}
