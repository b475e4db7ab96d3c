import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func createMessage(application: String, _ new: NewMessage, now: Date) async throws -> Message {
        let handoff = ingestHandoff.withLock { $0 }
        let (message, tasks) = try await write { context in
            let connection = context.connection
            let logger = context.logger
            let applicationID = try await Self.cachedApplicationID(context, application)
            let createdAt = PostgresColumn.milliseconds(now)
            let message = Message(
                id: Identifier.make(prefix: Identifier.messagePrefix, milliseconds: createdAt),
                applicationID: applicationID,
                eventType: new.eventType,
                eventID: new.eventID,
                channels: new.channels,
                tags: new.tags,
                payload: new.payload,
                payloadExpiresAt: now.addingTimeInterval(new.retention),
                createdAt: now
            )
            let channels = try PostgresColumn.json(message.channels)
            let tags = try PostgresColumn.json(message.tags)
            let expiresAt = PostgresColumn.milliseconds(message.payloadExpiresAt)
            try await PostgresErrorCode.mappingConflicts("A message with this eventId already exists") {
                try await connection.rows(
                    """
                    INSERT INTO message (id, app_id, event_type, event_id, channels, tags, payload, payload_expires_at,
                        created_at)
                    VALUES (\(message.id), \(applicationID), \(message.eventType), \(message.eventID), \(channels),
                        \(tags), \(Data(new.payload)), \(expiresAt), \(createdAt))
                    """,
                    logger: logger
                )
            }
            let distinctChannels = Array(Set(new.channels ?? []))
            if !distinctChannels.isEmpty {
                try await connection.rows(
                    """
                    INSERT INTO message_channel (app_id, channel, message_id)
                    SELECT \(applicationID), unnest(\(distinctChannels)::TEXT[]), \(message.id)
                    """,
                    logger: logger
                )
            }
            let endpoints = try await self.endpoints(context, applicationID: applicationID).filter {
                $0.accepts(eventType: new.eventType, messageChannels: new.channels)
            }
            guard !endpoints.isEmpty else { return (message, [DeliveryTask]()) }
            // With a hand-off installed, deliveries of endpoints this instance owns (or claims now) are born leased
            // to it and passed over in memory; the rest wait for their owner, woken by NOTIFY.
            var leases: [String: Int64] = [:]
            if let handoff { leases = try await Self.ingestLeases(context, endpoints, handoff: handoff, now: now) }
            // Not leased: no expiry (-1, stored as NULL), no owner, pending.
            let expiries = endpoints.map { leases[$0.id] ?? -1 }
            try await connection.rows(
                """
                INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at, lease_owner,
                    lease_expires_at, created_at, updated_at)
                SELECT \(message.id), e.id, \(applicationID),
                    CASE WHEN e.lease_expires_at < 0 THEN \(DeliveryStatus.pending.rawValue)
                        ELSE \(DeliveryStatus.sending.rawValue) END,
                    e.fifo, \(createdAt), CASE WHEN e.lease_expires_at < 0 THEN NULL ELSE \(handoff?.owner) END,
                    NULLIF(e.lease_expires_at, -1), \(createdAt), \(createdAt)
                FROM unnest(\(endpoints.map(\.id))::TEXT[], \(endpoints.map(\.fifo))::BOOLEAN[], \(expiries)::BIGINT[])
                    AS e(id, fifo, lease_expires_at)
                """,
                logger: logger
            )
            let leased = endpoints.filter { leases[$0.id] != nil }
            if leased.count < endpoints.count { context.notifiesWork = true }
            let tasks = leased.map { endpoint in
                DeliveryTask(
                    messageID: message.id,
                    endpointID: endpoint.id,
                    applicationID: applicationID,
                    eventType: message.eventType,
                    payload: new.payload,
                    attemptCount: 0,
                    nextAttemptAt: now
                )
            }
            return (message, tasks)
        }
        if let handoff, !tasks.isEmpty { handoff.deliver(tasks) }
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

    /// The lease expiry (milliseconds) of each endpoint among `endpoints` whose new deliveries this instance takes
    /// at ingest: those it owns with at least half a lease duration left (so the scheduler renews the ownership
    /// before it lapses), and those it claims now, skipping any another transaction holds. No lease outlives its
    /// endpoint's ownership.
    private static func ingestLeases(
        _ context: PostgresWriteContext,
        _ endpoints: [Endpoint],
        handoff: IngestHandoff,
        now: Date
    ) async throws -> [String: Int64] {
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let until = PostgresColumn.milliseconds(now.addingTimeInterval(handoff.leaseDuration))
        let margin = PostgresColumn.milliseconds(now.addingTimeInterval(handoff.leaseDuration / 2))
        var leases: [String: Int64] = [:]
        var claimable: [String] = []
        for endpoint in endpoints {
            let (owner, expiresAt) = context.endpointOwners[endpoint.id] ?? (nil, nil)
            if owner == handoff.owner, let expiresAt, expiresAt > margin {
                leases[endpoint.id] = min(until, expiresAt)
            } else if owner == nil || owner == handoff.owner || (expiresAt ?? 0) <= nowMilliseconds {
                claimable.append(endpoint.id)
            }
        }
        guard !claimable.isEmpty else { return leases }
        let claimed = try await context.connection.rows(
            """
            UPDATE endpoint SET owner = \(handoff.owner), owner_expires_at = \(until)
            WHERE id IN (
                SELECT id FROM endpoint WHERE id = ANY(\(claimable)::TEXT[])
                  AND (owner IS NULL OR owner = \(handoff.owner) OR owner_expires_at <= \(nowMilliseconds))
                FOR NO KEY UPDATE SKIP LOCKED
            )
            RETURNING id
            """,
            logger: context.logger
        )
        for row in claimed {
            let id = try row.value("id", as: String.self)
            leases[id] = until
            context.endpointOwners[id] = (handoff.owner, until)
        }
        return leases
    }

    private static func cachedApplicationID(_ context: PostgresWriteContext, _ application: String) async throws -> String {
        if let id = context.applicationIDs[application] { return id }
        let id = try await applicationID(context.connection, application, logger: context.logger)
        context.applicationIDs[application] = id
        return id
    }
}
