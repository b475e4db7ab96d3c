import GRDB
import HeraldCore

/// Builds keyset-paginated queries: `WHERE <filters> AND key > cursor ORDER BY key LIMIT n+1`.
struct SQLitePagedQuery {
    /// The SELECT … FROM … part.
    var select: String
    /// The column items are ordered and continued by (unique).
    var key: String
    var conditions: [String] = []
    var arguments: StatementArguments = []

    init(select: String, key: String) {
        self.select = select
        self.key = key
    }

    mutating func filter(_ condition: String, _ values: [(any DatabaseValueConvertible)?] = []) {
        conditions.append(condition)
        arguments += StatementArguments(values)
    }

    /// Fetches up to `page.limit + 1` rows in the page's direction.
    func fetch(_ db: Database, _ page: PageRequest) throws -> [Row] {
        var conditions = conditions
        var arguments = arguments
        let ascending = (page.order == .ascending) != page.backwards
        if let cursor = page.cursor {
            conditions.append("\(key) \(ascending ? ">" : "<") ?")
            arguments += [cursor]
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "\(select)\(whereClause) ORDER BY \(key) \(ascending ? "ASC" : "DESC") LIMIT \(page.limit + 1)"
        return try Row.fetchAll(db, sql: sql, arguments: arguments)
    }
}
