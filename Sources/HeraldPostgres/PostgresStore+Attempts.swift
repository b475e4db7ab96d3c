import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func messageDestinations(application: String, message: String, _ page: PageRequest) async throws
        -> Page<MessageDestination>
    {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let messageID = try await Self.messageID(connection, applicationID: applicationID, message, logger: logger)
            var query = PostgresPagedQuery(
                select: "SELECT e.*, \(Delivery.postgresPrefixedColumns) FROM delivery d JOIN endpoint e ON e.id = d.endpoint_id",
                key: "d.endpoint_id"
            )
            let mark = query.bind(messageID)
            query.filter("d.message_id = \(mark)")
            let destinations = try await query.fetch(connection, page, logger: logger).map {
                MessageDestination(
                    endpoint: try Endpoint(postgresRow: $0, columns: secretColumns),
                    delivery: try Delivery(postgresPrefixedRow: $0))
            }
            return Page(fetched: destinations, request: page, key: \.endpoint.id)
        }
    }

    public func endpointMessages(application: String, endpoint: String, filter: MessageFilter, _ page: PageRequest)
        async throws -> Page<EndpointMessage>
    {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let endpointID = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
            var query = PostgresPagedQuery(
                select: "SELECT m.*, \(Delivery.postgresPrefixedColumns) FROM delivery d JOIN message m ON m.id = d.message_id",
                key: "d.message_id"
            )
            let mark = query.bind(endpointID)
            query.filter("d.endpoint_id = \(mark)")
            if let status = filter.status {
                let mark = query.bind(status.rawValue)
                query.filter("d.status = \(mark)")
            }
            Self.apply(filter, to: &query, message: "m")
            let now = Date()
            let items = try await query.fetch(connection, page, logger: logger).map {
                EndpointMessage(message: try Message(postgresRow: $0, now: now), delivery: try Delivery(postgresPrefixedRow: $0))
            }
            return Page(fetched: items, request: page, key: \.message.id)
        }
    }

    public func attempts(application: String, filter: AttemptFilter, _ page: PageRequest) async throws -> Page<Attempt> {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            var query = PostgresPagedQuery(select: "SELECT a.* FROM attempt a JOIN message m ON m.id = a.message_id", key: "a.id")
            let applicationMark = query.bind(applicationID)
            query.filter("a.app_id = \(applicationMark)")
            if let endpoint = filter.endpoint {
                let id = try await Self.endpointID(connection, applicationID: applicationID, endpoint, logger: logger)
                let mark = query.bind(id)
                query.filter("a.endpoint_id = \(mark)")
            }
            if let message = filter.message {
                let id = try await Self.messageID(connection, applicationID: applicationID, message, logger: logger)
                let mark = query.bind(id)
                query.filter("a.message_id = \(mark)")
            }
            if let status = filter.status {
                let mark = query.bind(status.rawValue)
                query.filter("a.status = \(mark)")
            }
            if let statusClass = filter.statusCodeClass {
                if statusClass == 0 {
                    query.filter("a.response_status_code = 0")
                } else {
                    let low = query.bind(statusClass * 100)
                    let high = query.bind(statusClass * 100 + 100)
                    query.filter("a.response_status_code >= \(low) AND a.response_status_code < \(high)")
                }
            }
            var messageFilter = filter.messageFilter
            let (before, after) = (messageFilter.before, messageFilter.after)
            (messageFilter.before, messageFilter.after) = (nil, nil)
            Self.apply(messageFilter, to: &query, message: "m")
            if let before {
                let mark = query.bind(PostgresColumn.milliseconds(before))
                query.filter("a.created_at < \(mark)")
            }
            if let after {
                let mark = query.bind(PostgresColumn.milliseconds(after))
                query.filter("a.created_at > \(mark)")
            }
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map(Attempt.init(postgresRow:)), request: page, key: \.id)
        }
    }

    public func attempt(application: String, message: String, _ attempt: String) async throws -> Attempt {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let messageID = try await Self.messageID(connection, applicationID: applicationID, message, logger: logger)
            let row = try await connection.row(
                "SELECT * FROM attempt WHERE app_id = \(applicationID) AND message_id = \(messageID) AND id = \(attempt)",
                logger: logger
            )
            guard let row else { throw HeraldError.notFound("Message attempt not found") }
            return try Attempt(postgresRow: row)
        }
    }

    public func expungeAttemptResponse(application: String, message: String, _ attempt: String) async throws {
        try await transaction { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let messageID = try await Self.messageID(connection, applicationID: applicationID, message, logger: logger)
            // PostgreSQL text cannot hold NUL, so no attempt id has one; querying with it would fail.
            guard !attempt.utf8.contains(0) else { throw HeraldError.notFound("Message attempt not found") }
            let count = try await connection.count(
                """
                WITH expunged AS (
                    UPDATE attempt SET response = ''
                    WHERE app_id = \(applicationID) AND message_id = \(messageID) AND id = \(attempt)
                    RETURNING 1
                )
                SELECT count(*) FROM expunged
                """,
                logger: logger
            )
            guard count == 1 else { throw HeraldError.notFound("Message attempt not found") }
        }
    }
}
