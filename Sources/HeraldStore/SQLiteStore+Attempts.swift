import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func messageDestinations(application: String, message: String, _ page: PageRequest) async throws
        -> Page<MessageDestination>
    {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            let messageID: String = try Self.messageRow(db, applicationID: applicationID, message)["id"]
            var query = SQLitePagedQuery(
                select: "SELECT e.*, \(Delivery.prefixedColumns) FROM delivery d JOIN endpoint e ON e.id = d.endpoint_id",
                key: "d.endpoint_id"
            )
            query.filter("d.message_id = ?", [messageID])
            let destinations = try query.fetch(db, page).map {
                MessageDestination(endpoint: try Endpoint(row: $0), delivery: Delivery(prefixedRow: $0))
            }
            return Page(fetched: destinations, request: page, key: \.endpoint.id)
        }
    }

    public func endpointMessages(application: String, endpoint: String, filter: MessageFilter, _ page: PageRequest)
        async throws -> Page<EndpointMessage>
    {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            let endpointID: String = try Self.endpointRow(db, applicationID: applicationID, endpoint)["id"]
            var query = SQLitePagedQuery(
                select: "SELECT m.*, \(Delivery.prefixedColumns) FROM delivery d JOIN message m ON m.id = d.message_id",
                key: "d.message_id"
            )
            query.filter("d.endpoint_id = ?", [endpointID])
            if let status = filter.status { query.filter("d.status = ?", [status.rawValue]) }
            Self.apply(filter, to: &query, message: "m")
            let now = Date()
            let items = try query.fetch(db, page).map {
                EndpointMessage(message: try Message(row: $0, now: now), delivery: Delivery(prefixedRow: $0))
            }
            return Page(fetched: items, request: page, key: \.message.id)
        }
    }

    public func attempts(application: String, filter: AttemptFilter, _ page: PageRequest) async throws -> Page<Attempt> {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            var query = SQLitePagedQuery(select: "SELECT a.* FROM attempt a JOIN message m ON m.id = a.message_id", key: "a.id")
            query.filter("a.app_id = ?", [applicationID])
            if let endpoint = filter.endpoint {
                let id: String = try Self.endpointRow(db, applicationID: applicationID, endpoint)["id"]
                query.filter("a.endpoint_id = ?", [id])
            }
            if let message = filter.message {
                let id: String = try Self.messageRow(db, applicationID: applicationID, message)["id"]
                query.filter("a.message_id = ?", [id])
            }
            if let status = filter.status { query.filter("a.status = ?", [status.rawValue]) }
            if let statusClass = filter.statusCodeClass {
                if statusClass == 0 {
                    query.filter("a.response_status_code = 0")
                } else {
                    query.filter(
                        "a.response_status_code >= ? AND a.response_status_code < ?",
                        [statusClass * 100, statusClass * 100 + 100]
                    )
                }
            }
            var messageFilter = filter.messageFilter
            let (before, after) = (messageFilter.before, messageFilter.after)
            (messageFilter.before, messageFilter.after) = (nil, nil)
            Self.apply(messageFilter, to: &query, message: "m")
            if let before { query.filter("a.created_at < ?", [Column.milliseconds(before)]) }
            if let after { query.filter("a.created_at > ?", [Column.milliseconds(after)]) }
            return Page(fetched: try query.fetch(db, page).map(Attempt.init(row:)), request: page, key: \.id)
        }
    }

    public func attempt(application: String, message: String, _ attempt: String) async throws -> Attempt {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            let messageID: String = try Self.messageRow(db, applicationID: applicationID, message)["id"]
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM attempt WHERE app_id = ? AND message_id = ? AND id = ?",
                    arguments: [applicationID, messageID, attempt]
                )
            else { throw HeraldError.notFound("Message attempt not found") }
            return Attempt(row: row)
        }
    }

    public func expungeAttemptResponse(application: String, message: String, _ attempt: String) async throws {
        try await write { context in
            let db = context.db
            let applicationID = try Self.applicationID(db, application)
            let messageID: String = try Self.messageRow(db, applicationID: applicationID, message)["id"]
            try db.execute(
                sql: "UPDATE attempt SET response = '' WHERE app_id = ? AND message_id = ? AND id = ?",
                arguments: [applicationID, messageID, attempt]
            )
            guard db.changesCount == 1 else { throw HeraldError.notFound("Message attempt not found") }
        }
    }
}
