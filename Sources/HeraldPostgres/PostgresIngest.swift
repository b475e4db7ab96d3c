import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

/// One message to create, waiting for its group transaction.
struct PostgresIngestJob: Sendable {
    let application: String
    let message: NewMessage
    let now: Date
    /// The hand-off installed when the message arrived (nil: its deliveries wait in the store).
    let handoff: IngestHandoff?
    let result = ResultBox<(Message, [DeliveryTask])>()
}

/// Writes a group transaction's messages with a few multi-row statements for the whole batch (messages, their
/// channels, their deliveries), not a savepoint and two or three statements per message: each statement is a
/// network round trip. A duplicate `eventId` is skipped by `ON CONFLICT DO NOTHING` and fails only its own job.
enum PostgresIngest {
    /// A message that passed its lookups, with the endpoints it goes to.
    private struct Row {
        let job: PostgresIngestJob
        let message: Message
        let endpoints: [Endpoint]

        /// The lease this message's delivery to `endpoint` is born with: only with a hand-off, and only for an
        /// endpoint this instance holds (`leases`, from ``ingestLeases(_:_:)``).
        func lease(of endpoint: Endpoint, _ leases: [String: Int64]) -> (owner: String, expiresAt: Int64)? {
            guard let handoff = job.handoff, let expiresAt = leases[endpoint.id], deferral(of: endpoint) == nil
            else { return nil }
            return (handoff.owner, expiresAt)
        }

        /// When the producer scheduled the message (`deliverAt`), or this instance's engine sends nothing to
        /// `endpoint` before a later time (its circuit is open), the delivery is born pending until then
        /// (milliseconds) instead of leased and handed over.
        func deferral(of endpoint: Endpoint) -> Int64? {
            let until = job.message.waitsUntil(endpointDeferral: job.handoff?.deferredUntil(endpoint.id))
            guard let until, until > job.now else { return nil }
            return PostgresColumn.milliseconds(until)
        }
    }

    static func run(
        _ jobs: [PostgresIngestJob],
        _ context: PostgresWriteContext,
        columns: SecretColumns,
        ids: MonotonicIdentifiers
    ) async throws {
        var rows: [Row] = []
        for job in jobs {
            do {
                let applicationID = try await applicationID(context, job.application)
                let createdAt = PostgresColumn.milliseconds(job.now)
                let message = Message(
                    id: ids.make(prefix: Identifier.messagePrefix, milliseconds: createdAt),
                    applicationID: applicationID,
                    eventType: job.message.eventType,
                    eventID: job.message.eventID,
                    channels: job.message.channels,
                    tags: job.message.tags,
                    payload: job.message.payload,
                    payloadExpiresAt: job.now.addingTimeInterval(job.message.retention),
                    createdAt: job.now,
                    deliverAt: job.message.deliverAt,
                    contentType: job.message.contentType
                )
                let endpoints = try await PostgresStore.endpoints(context, applicationID: applicationID, columns: columns)
                    .filter(job.message.goes(to:))
                rows.append(Row(job: job, message: message, endpoints: endpoints))
            } catch let error as HeraldError {
                job.result.result = .failure(error)
            }
        }
        let inserted = try await insertMessages(rows.map(\.message), context)
        var created: [Row] = []
        for row in rows {
            if inserted.contains(row.message.id) {
                created.append(row)
            } else {
                row.job.result.result = .failure(HeraldError.conflict("A message with this eventId already exists"))
            }
        }
        try await insertChannels(created.map(\.message), context)
        let leases = try await ingestLeases(context, created)
        try await insertDeliveries(created, leases: leases, context)
        for row in created {
            let leased = row.endpoints.filter { row.lease(of: $0, leases) != nil }
            let deferred = row.endpoints.count { row.deferral(of: $0) != nil }
            if leased.count + deferred < row.endpoints.count { context.notifiesWork = true }
            let tasks = leased.map { endpoint in
                DeliveryTask(
                    messageID: row.message.id,
                    endpointID: endpoint.id,
                    applicationID: row.message.applicationID,
                    eventType: row.message.eventType,
                    payload: row.job.message.payload,
                    attemptCount: 0,
                    nextAttemptAt: row.job.now,
                    contentType: row.job.message.contentType
                )
            }
            row.job.result.result = .success((row.message, tasks))
        }
    }

    /// Inserts the messages; returns the ids of those inserted (a message whose `eventId` is taken is not).
    private static func insertMessages(_ messages: [Message], _ context: PostgresWriteContext) async throws -> Set<String> {
        guard !messages.isEmpty else { return [] }
        // Arrays of optionals do not bind: an absent value travels as "" or -1 (never a valid value) and is stored as
        // NULL.
        let eventIDs = messages.map { $0.eventID ?? "" }
        let channels = try messages.map { try PostgresColumn.json($0.channels) ?? "" }
        let tags = try messages.map { try PostgresColumn.json($0.tags) ?? "" }
        // Payloads travel as base64 text and are decoded by the server, byte for byte. Rows go in (app, eventId)
        // order, so two batches that share eventIds wait for each other in one order and never deadlock.
        let payloads = messages.map { Data($0.payload ?? []).base64EncodedString() }
        let rows = try await context.connection.rows(
            """
            INSERT INTO message (id, app_id, event_type, event_id, channels, tags, payload, payload_expires_at,
                created_at, deliver_at, content_type)
            SELECT id, app_id, event_type, NULLIF(event_id, ''), NULLIF(channels, ''), NULLIF(tags, ''),
                decode(payload, 'base64'), payload_expires_at, created_at, NULLIF(deliver_at, -1),
                NULLIF(content_type, '')
            FROM unnest(\(messages.map(\.id))::TEXT[], \(messages.map(\.applicationID))::TEXT[],
                \(messages.map(\.eventType))::TEXT[], \(eventIDs)::TEXT[], \(channels)::TEXT[], \(tags)::TEXT[],
                \(payloads)::TEXT[], \(messages.map { PostgresColumn.milliseconds($0.payloadExpiresAt) })::BIGINT[],
                \(messages.map { PostgresColumn.milliseconds($0.createdAt) })::BIGINT[],
                \(messages.map { $0.deliverAt.map(PostgresColumn.milliseconds) ?? -1 })::BIGINT[],
                \(messages.map { $0.contentType ?? "" })::TEXT[])
                AS m(id, app_id, event_type, event_id, channels, tags, payload, payload_expires_at, created_at,
                    deliver_at, content_type)
            ORDER BY app_id, event_id, id
            ON CONFLICT (app_id, event_id) WHERE event_id IS NOT NULL DO NOTHING
            RETURNING id
            """,
            logger: context.logger
        )
        return Set(try rows.map { try $0.value("id", as: String.self) })
    }

    private static func insertChannels(_ messages: [Message], _ context: PostgresWriteContext) async throws {
        var applicationIDs: [String] = []
        var channels: [String] = []
        var messageIDs: [String] = []
        for message in messages {
            for channel in Set(message.channels ?? []) {
                applicationIDs.append(message.applicationID)
                channels.append(channel)
                messageIDs.append(message.id)
            }
        }
        guard !messageIDs.isEmpty else { return }
        try await context.connection.rows(
            """
            INSERT INTO message_channel (app_id, channel, message_id)
            SELECT * FROM unnest(\(applicationIDs)::TEXT[], \(channels)::TEXT[], \(messageIDs)::TEXT[])
            """,
            logger: context.logger
        )
    }

    /// One delivery per message and endpoint: leased to this instance (with the expiry in `leases`) when the
    /// message's job has a hand-off, pending otherwise.
    private static func insertDeliveries(_ rows: [Row], leases: [String: Int64], _ context: PostgresWriteContext)
        async throws
    {
        var messageIDs: [String] = []
        var endpointIDs: [String] = []
        var applicationIDs: [String] = []
        var fifo: [Bool] = []
        var owners: [String] = []
        var expiries: [Int64] = []
        var due: [Int64] = []
        var createdAt: [Int64] = []
        for row in rows {
            for endpoint in row.endpoints {
                messageIDs.append(row.message.id)
                endpointIDs.append(endpoint.id)
                applicationIDs.append(row.message.applicationID)
                fifo.append(endpoint.fifo)
                // Not leased: no owner ("") and no expiry (-1), both stored as NULL, and pending.
                let lease = row.lease(of: endpoint, leases)
                owners.append(lease?.owner ?? "")
                expiries.append(lease?.expiresAt ?? -1)
                due.append(row.deferral(of: endpoint) ?? PostgresColumn.milliseconds(row.job.now))
                createdAt.append(PostgresColumn.milliseconds(row.job.now))
            }
        }
        guard !messageIDs.isEmpty else { return }
        try await context.connection.rows(
            """
            INSERT INTO delivery (message_id, endpoint_id, app_id, status, fifo, next_attempt_at, lease_owner,
                lease_expires_at, created_at, updated_at)
            SELECT message_id, endpoint_id, app_id,
                CASE WHEN lease_expires_at < 0 THEN \(DeliveryStatus.pending.rawValue)
                    ELSE \(DeliveryStatus.sending.rawValue) END,
                fifo, due, NULLIF(lease_owner, ''), NULLIF(lease_expires_at, -1), created_at, created_at
            FROM unnest(\(messageIDs)::TEXT[], \(endpointIDs)::TEXT[], \(applicationIDs)::TEXT[], \(fifo)::BOOLEAN[],
                \(owners)::TEXT[], \(expiries)::BIGINT[], \(due)::BIGINT[], \(createdAt)::BIGINT[])
                AS d(message_id, endpoint_id, app_id, fifo, lease_owner, lease_expires_at, due, created_at)
            """,
            logger: context.logger
        )
    }

    /// The lease expiry (milliseconds) of each endpoint whose new deliveries this instance takes at ingest: those
    /// it holds with at least half a lease duration left (so the scheduler renews the hold before it lapses), and
    /// those it claims now, skipping any that another transaction is claiming. No lease outlives its endpoint's hold.
    private static func ingestLeases(_ context: PostgresWriteContext, _ rows: [Row]) async throws -> [String: Int64] {
        guard let handoff = rows.lazy.compactMap(\.job.handoff).first else { return [:] }
        let now = rows.map(\.job.now).max() ?? Date()
        let nowMilliseconds = PostgresColumn.milliseconds(now)
        let until = PostgresColumn.milliseconds(now.addingTimeInterval(handoff.leaseDuration))
        let margin = PostgresColumn.milliseconds(now.addingTimeInterval(handoff.leaseDuration / 2))
        var leases: [String: Int64] = [:]
        var claimable: Set<String> = []
        for row in rows where row.job.handoff != nil {
            for endpoint in row.endpoints {
                let (owner, expiresAt) = context.endpointOwners[endpoint.id] ?? (nil, nil)
                if owner == handoff.owner, let expiresAt, expiresAt > margin {
                    leases[endpoint.id] = min(until, expiresAt)
                } else if owner == nil || owner == handoff.owner || (expiresAt ?? 0) <= nowMilliseconds {
                    claimable.insert(endpoint.id)
                }
            }
        }
        guard !claimable.isEmpty else { return leases }
        let claimed = try await context.connection.rows(
            """
            UPDATE endpoint SET owner = \(handoff.owner), owner_expires_at = \(until)
            WHERE id IN (
                SELECT id FROM endpoint WHERE id = ANY(\(claimable.sorted())::TEXT[])
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

    private static func applicationID(_ context: PostgresWriteContext, _ application: String) async throws -> String {
        if let id = context.applicationIDs[application] { return id }
        let id = try await PostgresStore.applicationID(context.connection, application, logger: context.logger)
        context.applicationIDs[application] = id
        return id
    }
}

/// Carries a job's result from the committer back to its caller: written inside the transaction, read after
/// `perform` returns (the committer's hand-off orders the two).
final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
