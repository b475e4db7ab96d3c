import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertBackgroundTask(_ task: BackgroundTask) async throws {
        try await write { context in
            try context.db.execute(
                sql: """
                    INSERT INTO background_task (id, task, status, item_count, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    task.id, task.kind.rawValue, task.status.rawValue, task.count,
                    Column.milliseconds(task.createdAt), Column.milliseconds(task.updatedAt),
                ]
            )
        }
    }

    public func backgroundTask(_ id: String) async throws -> BackgroundTask {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM background_task WHERE id = ?", arguments: [id])
            else { throw HeraldError.notFound("Background task not found") }
            return BackgroundTask(row: row)
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
}

extension BackgroundTask {
    /// Only Herald writes the table, so the names always parse; the fallbacks keep a read from failing regardless.
    init(row: Row) {
        self.init(
            id: row["id"],
            kind: Kind(rawValue: row["task"]) ?? .endpointRecover,
            status: Status(rawValue: row["status"]) ?? .finished,
            count: row["item_count"],
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"])
        )
    }
}
