import GRDB
import HeraldCore

/// Id-or-uid resolution shared by every query. Ids win over uids when both could match.
extension SQLiteStore {
    static func applicationRow(_ db: Database, _ application: String) throws -> Row {
        let sql = "SELECT * FROM application WHERE id = ? UNION ALL SELECT * FROM application WHERE uid = ? LIMIT 1"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [application, application]) else {
            throw HeraldError.notFound("Application not found")
        }
        return row
    }

    static func applicationID(_ db: Database, _ application: String) throws -> String {
        let sql = "SELECT id FROM application WHERE id = ? UNION ALL SELECT id FROM application WHERE uid = ? LIMIT 1"
        guard let id = try String.fetchOne(db, sql: sql, arguments: [application, application]) else {
            throw HeraldError.notFound("Application not found")
        }
        return id
    }

    static func endpointRow(_ db: Database, applicationID: String, _ endpoint: String) throws -> Row {
        let sql = """
            SELECT * FROM endpoint WHERE app_id = ? AND id = ?
            UNION ALL SELECT * FROM endpoint WHERE app_id = ? AND uid = ? LIMIT 1
            """
        let arguments: StatementArguments = [applicationID, endpoint, applicationID, endpoint]
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else {
            throw HeraldError.notFound("Endpoint not found")
        }
        return row
    }

    static func messageRow(_ db: Database, applicationID: String, _ message: String) throws -> Row {
        let sql = """
            SELECT * FROM message WHERE app_id = ? AND id = ?
            UNION ALL SELECT * FROM message WHERE app_id = ? AND event_id = ? LIMIT 1
            """
        let arguments: StatementArguments = [applicationID, message, applicationID, message]
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else {
            throw HeraldError.notFound("Message not found")
        }
        return row
    }

    /// Runs `body`, turning SQLite's unique-constraint failures into ``HeraldError/conflict(_:)``.
    static func mappingConflicts<T>(_ detail: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw HeraldError.conflict(detail)
        }
    }
}
