import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func createMessage(application: String, _ new: NewMessage, now: Date) async throws -> Message {
        let handoff = ingestHandoff.withLock { $0 }
        let ids = messageIDs
        let (message, tasks) = try await write { context in
            let db = context.db
            // Made in the transaction, so ids are in commit order (``messageStream(application:after:limit:now:)``).
            let messageID = ids.make(prefix: Identifier.messagePrefix, milliseconds: Column.milliseconds(now))
            let applicationID = try Self.cachedApplicationID(context, application)
            let message = Message(
                id: messageID,
                applicationID: applicationID,
                eventType: new.eventType,
                eventID: new.eventID,
                channels: new.channels,
                tags: new.tags,
                payload: new.payload,
                payloadExpiresAt: now.addingTimeInterval(new.retention),
                createdAt: now,
                deliverAt: new.deliverAt,
                contentType: new.contentType
            )
            let createdAt = Column.milliseconds(now)
            try Self.mappingConflicts("A message with this eventId already exists") {
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO message (id, app_id, event_type, event_id, channels, tags, payload,
                            payload_expires_at, created_at, deliver_at, content_type)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                )
                try SQLiteDirect.run(
                    statement,
                    [
                        .text(message.id), .text(applicationID), .text(message.eventType), .text(message.eventID),
                        .text(try Column.json(message.channels)), .text(try Column.json(message.tags)), .blob(new.payload),
                        .integer(Column.milliseconds(message.payloadExpiresAt)), .integer(createdAt),
                        .integer(Column.milliseconds(new.deliverAt)), .text(new.contentType),
                    ])
            }
            for channel in Set(new.channels ?? []) {
                try db.cachedStatement(sql: "INSERT INTO message_channel (app_id, channel, message_id) VALUES (?, ?, ?)")
                    .execute(arguments: [applicationID, channel, message.id])
            }
            // With a hand-off installed, deliveries are born leased to this process and passed over in memory.
            let insertDelivery = try db.cachedStatement(
                sql: """
                    INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at, lease_owner,
                        lease_expires_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            let leaseExpiry = handoff.map { Column.milliseconds(now.addingTimeInterval($0.leaseDuration)) }
            var tasks: [DeliveryTask] = []
            for endpoint in try Self.endpoints(context, applicationID: applicationID) where new.goes(to: endpoint) {
                // A delivery waits in the store, pending, until the producer's `deliverAt`, and an endpoint whose
                // circuit is open gets its delivery pending until the circuit lets a probe through.
                if let deferred = new.waitsUntil(endpointDeferral: handoff?.deferredUntil(endpoint.id)), deferred > now {
                    try SQLiteDirect.run(
                        insertDelivery,
                        [
                            .text(message.id), .text(endpoint.id), .text(applicationID), .integer(1),
                            .integer(endpoint.fifo ? 1 : 0), .integer(Column.milliseconds(deferred)), .null, .null,
                            .integer(createdAt), .integer(createdAt),
                        ])
                    continue
                }
                try SQLiteDirect.run(
                    insertDelivery,
                    [
                        .text(message.id), .text(endpoint.id), .text(applicationID), .integer(handoff == nil ? 1 : 3),
                        .integer(endpoint.fifo ? 1 : 0), .integer(createdAt), .text(handoff?.owner), .integer(leaseExpiry),
                        .integer(createdAt), .integer(createdAt),
                    ])
                tasks.append(
                    DeliveryTask(
                        messageID: message.id,
                        endpointID: endpoint.id,
                        applicationID: applicationID,
                        eventType: message.eventType,
                        payload: new.payload,
                        attemptCount: 0,
                        nextAttemptAt: now,
                        contentType: new.contentType
                    )
                )
            }
            return (message, tasks)
        }
        if let handoff, !tasks.isEmpty { handoff.deliver(tasks) }
        return message
    }

    public func message(application: String, _ message: String) async throws -> Message {
        try await read { db in
            let applicationID = try Self.applicationID(db, application)
            return try Message(row: Self.messageRow(db, applicationID: applicationID, message))
        }
    }

    public func messages(application: String, filter: MessageFilter, _ page: PageRequest) async throws -> Page<Message> {
        try await read { db in
            var query = SQLitePagedQuery(select: "SELECT m.* FROM message m", key: "m.id")
            query.filter("m.app_id = ?", [try Self.applicationID(db, application)])
            Self.apply(filter, to: &query, message: "m")
            let now = Date()
            return Page(fetched: try query.fetch(db, page).map { try Message(row: $0, now: now) }, request: page, key: \.id)
        }
    }

    public func expungePayload(application: String, message: String) async throws {
        try await write { context in
            let applicationID = try Self.applicationID(context.db, application)
            let id: String = try Self.messageRow(context.db, applicationID: applicationID, message)["id"]
            try context.db.execute(sql: "UPDATE message SET payload = NULL WHERE id = ?", arguments: [id])
        }
    }

    public func expungeAllPayloads(application: String) async throws -> Int {
        let applicationID = try await read { db in try Self.applicationID(db, application) }
        return try await sumOverChunks(from: "") { start in
            try await write { context in
                let db = context.db
                // The first id of the next chunk; the last chunk runs to the end of the application's messages.
                let following = try String.fetchOne(
                    db,
                    sql: "SELECT id FROM message WHERE app_id = ? AND id >= ? ORDER BY id LIMIT 1 OFFSET ?",
                    arguments: [applicationID, start, replayChunk]
                )
                try db.execute(
                    sql: """
                        UPDATE message SET payload = NULL
                        WHERE app_id = ? AND id >= ? AND id < ? AND payload IS NOT NULL
                        """,
                    arguments: [applicationID, start, following ?? messageIDsEnd]
                )
                return (db.changesCount, following)
            }
        }
    }

    /// Adds a message filter's conditions for the message table aliased `alias`.
    static func apply(_ filter: MessageFilter, to query: inout SQLitePagedQuery, message alias: String) {
        if let eventTypes = filter.eventTypes, !eventTypes.isEmpty {
            let marks = Array(repeating: "?", count: eventTypes.count).joined(separator: ", ")
            query.filter("\(alias).event_type IN (\(marks))", eventTypes)
        }
        if let channel = filter.channel {
            query.filter(
                "EXISTS (SELECT 1 FROM message_channel c WHERE c.app_id = \(alias).app_id AND c.channel = ? "
                    + "AND c.message_id = \(alias).id)",
                [channel]
            )
        }
        if let tag = filter.tag {
            query.filter("EXISTS (SELECT 1 FROM json_each(\(alias).tags) WHERE value = ?)", [tag])
        }
        if let before = filter.before {
            query.filter("\(alias).created_at < ?", [Column.milliseconds(before)])
        }
        if let after = filter.after {
            query.filter("\(alias).created_at > ?", [Column.milliseconds(after)])
        }
    }

    private static func cachedApplicationID(_ context: WriteContext, _ application: String) throws -> String {
        if let id = context.applicationIDs[application] { return id }
        let id = try applicationID(context.db, application)
        context.applicationIDs[application] = id
        return id
    }
}
