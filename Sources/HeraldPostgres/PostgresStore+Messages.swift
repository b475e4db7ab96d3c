import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func createMessage(application: String, _ new: NewMessage, now: Date) async throws -> Message {
        let job = PostgresIngestJob(application: application, message: new, now: now, handoff: ingestHandoff.withLock { $0 })
        await ingest.perform(job)
        guard let result = job.result.result else { throw HeraldError.conflict("the write did not run") }
        let (message, tasks) = try result.get()
        if let handoff = job.handoff, !tasks.isEmpty { handoff.deliver(tasks) }
        return message
    }

    public func message(application: String, _ message: String) async throws -> Message {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            return try await Message(
                postgresRow: Self.messageRow(connection, applicationID: applicationID, message, logger: logger)
            )
        }
    }

    public func messages(application: String, filter: MessageFilter, _ page: PageRequest) async throws -> Page<Message> {
        try await read { connection in
            var query = PostgresPagedQuery(select: "SELECT m.* FROM message m", key: "m.id")
            let applicationID = query.bind(try await Self.applicationID(connection, application, logger: logger))
            query.filter("m.app_id = \(applicationID)")
            Self.apply(filter, to: &query, message: "m")
            let now = Date()
            let rows = try await query.fetch(connection, page, logger: logger)
            return Page(fetched: try rows.map { try Message(postgresRow: $0, now: now) }, request: page, key: \.id)
        }
    }

    public func expungePayload(application: String, message: String) async throws {
        try await read { connection in
            let applicationID = try await Self.applicationID(connection, application, logger: logger)
            let id = try await Self.messageID(connection, applicationID: applicationID, message, logger: logger)
            try await connection.rows("UPDATE message SET payload = NULL WHERE id = \(id)", logger: logger)
        }
    }

    public func expungeAllPayloads(application: String) async throws -> Int {
        let applicationID = try await read { connection in
            try await Self.applicationID(connection, application, logger: logger)
        }
        return try await sumOverChunks(from: "") { start in
            try await transaction { connection in
                // The first id of the next chunk; the last chunk runs to the end of the application's messages.
                let following: String? = try await connection.row(
                    """
                    SELECT id FROM message WHERE app_id = \(applicationID) AND id >= \(start)
                    ORDER BY id LIMIT 1 OFFSET \(replayChunk)
                    """,
                    logger: logger
                )?.value("id")
                let count = try await connection.count(
                    """
                    WITH erased AS (
                        UPDATE message SET payload = NULL
                        WHERE app_id = \(applicationID) AND id >= \(start) AND id < \(following ?? messageIDsEnd)
                          AND payload IS NOT NULL
                        RETURNING 1
                    )
                    SELECT count(*) FROM erased
                    """,
                    logger: logger
                )
                return (count, following)
            }
        }
    }

    /// Adds a message filter's conditions for the message table aliased `alias`.
    static func apply(_ filter: MessageFilter, to query: inout PostgresPagedQuery, message alias: String) {
        if let eventTypes = filter.eventTypes, !eventTypes.isEmpty {
            let mark = query.bind(eventTypes)
            query.filter("\(alias).event_type = ANY(\(mark)::TEXT[])")
        }
        if let channel = filter.channel {
            let mark = query.bind(channel)
            query.filter(
                "EXISTS (SELECT 1 FROM message_channel c WHERE c.app_id = \(alias).app_id AND c.channel = \(mark) "
                    + "AND c.message_id = \(alias).id)"
            )
        }
        if let tag = filter.tag {
            let mark = query.bind(tag)
            query.filter("\(alias).tags::JSONB @> jsonb_build_array(\(mark)::TEXT)")
        }
        if let before = filter.before {
            let mark = query.bind(PostgresColumn.milliseconds(before))
            query.filter("\(alias).created_at < \(mark)")
        }
        if let after = filter.after {
            let mark = query.bind(PostgresColumn.milliseconds(after))
            query.filter("\(alias).created_at > \(mark)")
        }
    }
}
