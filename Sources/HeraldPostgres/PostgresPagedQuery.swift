import HeraldCore
import Logging
import PostgresNIO

/// Builds keyset-paginated queries: `WHERE <filters> AND key > cursor ORDER BY key LIMIT n+1`, with numbered
/// parameters (`$1`, `$2` …) bound in order.
struct PostgresPagedQuery {
    /// The SELECT … FROM … part.
    var select: String
    /// The column items are ordered and continued by (unique, "C" collation).
    var key: String
    var conditions: [String] = []
    var bindings = PostgresBindings()

    init(select: String, key: String) {
        self.select = select
        self.key = key
    }

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    mutating func filter(_ condition: String) {
        conditions.append(condition)
    }

    /// Fetches up to `page.limit + 1` rows in the page's direction.
    func fetch(_ connection: PostgresConnection, _ page: PageRequest, logger: Logger) async throws
        -> [PostgresRandomAccessRow]
    {
        var query = self
        let ascending = (page.order == .ascending) != page.backwards
        if let cursor = page.cursor {
            let mark = query.bind(cursor)
            query.filter("\(key) \(ascending ? ">" : "<") \(mark)")
        }
        let whereClause = query.conditions.isEmpty ? "" : " WHERE " + query.conditions.joined(separator: " AND ")
        let sql = "\(select)\(whereClause) ORDER BY \(key) \(ascending ? "ASC" : "DESC") LIMIT \(page.limit + 1)"
        return try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: query.bindings), logger: logger)
    }
}
