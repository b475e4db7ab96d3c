import Foundation
import HeraldCore

/// The only way Herald touches persistence. Every backend passes the same conformance suite.
///
/// Arguments named `application` take an application id or uid; `endpoint` and `message` take an id or uid
/// (a message's uid is its `eventId`) and are looked up only inside that application, so tenants never see
/// each other's data. Missing things throw ``HeraldError/notFound(_:)``; duplicates ``HeraldError/conflict(_:)``.
/// How long an idempotency claim holds while its request runs; past it, a claim left by a crash lapses.
public let idempotencyClaimTimeout: TimeInterval = 60
/// How many messages one transaction of ``Store/replayMissingDeliveries(application:endpoint:since:until:now:)``
/// looks at.
public let replayChunk = 1_000
/// Work done chunk by chunk along an ordered key, a transaction per chunk, so that none holds the writer (or its
/// rows) long: `chunk` handles the keys from the one it is given up to the next chunk's first key, which it returns
/// with how many rows it changed (nil after the last chunk). Starts at `first`; returns the sum of the counts.
public func sumOverChunks(from first: String, _ chunk: (String) async throws -> (Int, String?)) async rethrows -> Int {
    var next: String? = first
    var total = 0
    while let start = next {
        let count: Int
        (count, next) = try await chunk(start)
        total += count
    }
    return total
}

/// Sorts after every message id (`msg_` and base-62 digits): the end of an id range that runs to the last message.
public let messageIDsEnd = Identifier.messagePrefix + "~"
/// How far a message id's instant may run ahead of the message's `createdAt` (ids stay ordered when the clock steps
/// back). A replay window's scan by id stops this far past `until`.
public let identifierClockTolerance: TimeInterval = 3_600

public protocol Store: Sendable {
    // MARK: Applications
    func insertApplication(_ application: Application) async throws -> Application
    func application(_ application: String) async throws -> Application
    func applications(_ page: PageRequest) async throws -> Page<Application>
    func updateApplication(
        _ application: String,
        _ change: @escaping @Sendable (inout Application) throws -> Void
    ) async throws -> Application
    func deleteApplication(_ application: String) async throws

    // MARK: Endpoints
    /// Stores `endpoint` under the application its `applicationID` names (an id or uid).
    func insertEndpoint(_ endpoint: Endpoint) async throws -> Endpoint
    func endpoint(application: String, _ endpoint: String) async throws -> Endpoint
    func endpoints(application: String, _ page: PageRequest) async throws -> Page<Endpoint>
    func updateEndpoint(
        application: String,
        _ endpoint: String,
        _ change: @escaping @Sendable (inout Endpoint) throws -> Void
    ) async throws -> Endpoint
    func deleteEndpoint(application: String, _ endpoint: String) async throws
    func endpointStats(application: String, endpoint: String, since: Date?, until: Date?) async throws -> DeliveryStats
    /// The endpoint's attempts made in [since, until], counted by status.
    func attemptStats(application: String, endpoint: String, since: Date?, until: Date?) async throws -> DeliveryStats

    // MARK: Event types
    func insertEventType(_ eventType: EventType) async throws -> EventType
    func eventType(_ name: String) async throws -> EventType
    func eventTypes(_ page: PageRequest, includeArchived: Bool) async throws -> Page<EventType>
    func updateEventType(
        _ name: String,
        _ change: @escaping @Sendable (inout EventType) throws -> Void
    ) async throws -> EventType
    /// Archives the event type, or removes it for good when `expunge` is true.
    func deleteEventType(_ name: String, expunge: Bool) async throws

    // MARK: Messages
    /// Durably stores the message with one pending delivery per endpoint that accepts it, in one transaction.
    func createMessage(application: String, _ message: NewMessage, now: Date) async throws -> Message
    func message(application: String, _ message: String) async throws -> Message
    func messages(application: String, filter: MessageFilter, _ page: PageRequest) async throws -> Page<Message>
    /// Removes the message's payload; the message and its deliveries stay.
    func expungePayload(application: String, message: String) async throws
    /// Erases the payload of every message of the application, as ``expungePayload(application:message:)`` does for
    /// one, in chunks of ``replayChunk`` messages, a transaction each; returns how many payloads it erased.
    func expungeAllPayloads(application: String) async throws -> Int

    /// From now on, deliveries created by ingest are leased to `handoff.owner` and passed to `handoff.deliver`
    /// after their transaction commits (nil stops it).
    func installIngestHandoff(_ handoff: IngestHandoff?)

    // MARK: Deliveries and attempts
    func messageDestinations(application: String, message: String, _ page: PageRequest) async throws
        -> Page<MessageDestination>
    func endpointMessages(application: String, endpoint: String, filter: MessageFilter, _ page: PageRequest)
        async throws -> Page<EndpointMessage>
    func attempts(application: String, filter: AttemptFilter, _ page: PageRequest) async throws -> Page<Attempt>
    func attempt(application: String, message: String, _ attempt: String) async throws -> Attempt
    /// Erases the response body recorded with an attempt (it reads as empty afterwards); the attempt stays.
    func expungeAttemptResponse(application: String, message: String, _ attempt: String) async throws

    // MARK: Delivery engine
    /// Leases up to `limit` due deliveries of non-FIFO endpoints to `owner`, oldest due first. In a store several
    /// processes share, only deliveries of endpoints that `owner` holds, or takes now because nobody holds them (see
    /// ``renewLeases(owner:endpoints:now:leaseDuration:)``).
    func leaseDueDeliveries(owner: String, now: Date, leaseDuration: TimeInterval, limit: Int) async throws
        -> [DeliveryTask]
    /// Leases the oldest pending deliveries of a FIFO endpoint, in message order (including `owner`'s own leases);
    /// in a store several processes share, none while another process holds the endpoint.
    func leaseFIFODeliveries(endpointID: String, owner: String, now: Date, leaseDuration: TimeInterval, limit: Int)
        async throws -> [DeliveryTask]
    func fifoEndpointsWithPendingWork() async throws -> [String]
    /// Makes every delivery leased to `owner` due again (a restarted process takes back what it held when it
    /// died, instead of waiting for the leases to expire); returns how many.
    func releaseLeases(owner: String, now: Date) async throws -> Int
    /// Keeps what `owner` holds its own for `leaseDuration` from `now`, in a store that several processes share:
    /// its leases (deliveries waiting in its lanes, behind a rate limit say) and its hold on `endpoints` (the ones
    /// it has work for). There one owner at a time leases an endpoint's deliveries, so the endpoint's limits hold
    /// across processes; a hold that is not renewed lapses after `leaseDuration`, and then another may take it.
    func renewLeases(owner: String, endpoints: [String], now: Date, leaseDuration: TimeInterval) async throws
    /// An endpoint by id alone (the scheduler's view) with its persisted circuit and health.
    func endpointForDelivery(_ endpointID: String) async throws -> (Endpoint, EndpointDeliveryState)
    /// Writes a batch of attempts, delivery state changes, releases and endpoint states in one transaction.
    /// Returns the deferred endpoints that still have deliveries to defer (to be passed again in a later batch).
    @discardableResult
    func recordOutcomes(_ outcomes: DeliveryOutcomes, now: Date) async throws -> [(endpointID: String, until: Date)]
    /// Makes the endpoint's failed deliveries created in [since, until] pending again; returns how many.
    func requeueFailedDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date) async throws
        -> Int
    /// Starts a pending delivery, due at `now` (or at the message's `deliverAt`, if later), to the endpoint for every
    /// message of its application created in [since, until] (`until` defaults to `now`) that its event-type and
    /// channel filters let through, that never went to it (it did not exist yet, or was disabled), and whose payload
    /// is still held; returns how many.
    /// Works through the messages in chunks of ``replayChunk``, a transaction each, so ingest is never held long.
    func replayMissingDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    /// Makes the endpoint's finished deliveries (succeeded or failed) of the messages `filter` picks pending again,
    /// due at `now` with a fresh retry schedule, when their payload is still held; returns how many. Works through
    /// the endpoint's deliveries in chunks of ``replayChunk``, a transaction each.
    func replayDeliveries(application: String, endpoint: String, filter: BulkReplayFilter, now: Date) async throws -> Int
    /// The delivery of a message to an endpoint for a manual resend (created if the message never went there).
    func deliveryForResend(application: String, message: String, endpoint: String, now: Date) async throws
        -> (Endpoint, DeliveryTask)

    // MARK: Background tasks
    /// Records a task an API call started or ran (a recover or a replay), for clients that poll it or list tasks.
    func insertBackgroundTask(_ task: BackgroundTask) async throws
    /// Stores the task's status, count, data and update time (a running task's heartbeat, or its end).
    func updateBackgroundTask(_ task: BackgroundTask) async throws
    /// Sets the update time of those of the tasks `ids` that are still running to `now` (a heartbeat).
    func touchBackgroundTasks(_ ids: [String], now: Date) async throws
    /// Marks failed the running tasks not updated since `updatedBefore`: their process stopped without finishing
    /// them. Returns how many.
    func failAbandonedBackgroundTasks(updatedBefore: Date, now: Date) async throws -> Int
    /// The task `id`; throws ``HeraldError/notFound(_:)`` for an unknown one.
    func backgroundTask(_ id: String) async throws -> BackgroundTask
    /// Tasks in id (creation) order, narrowed by `filter`.
    func backgroundTasks(filter: BackgroundTaskFilter, _ page: PageRequest) async throws -> Page<BackgroundTask>

    /// How many deliveries (message × endpoint) each application's messages created between `since` (inclusive)
    /// and `until` made, for the applications with ids `applications` (nil: every application that has some).
    func applicationUsage(applications: [String]?, since: Date, until: Date) async throws -> [ApplicationUsage]

    // MARK: API tokens
    func insertToken(_ token: APIToken) async throws
    /// The live (not revoked) token whose hash is `hash`, if any.
    func token(hash: String) async throws -> APIToken?
    /// How many tokens with full access exist, revoked ones included; application tokens are not counted.
    func tokenCount() async throws -> Int
    /// Every token, live and revoked, oldest first (ties by id). For operators' listings; never used to authenticate.
    func tokens() async throws -> [APIToken]
    /// Marks the token `id` revoked at `now` and returns it. Revoking an already revoked token changes nothing and
    /// returns it with its first `revokedAt`. Throws ``HeraldError/notFound(_:)`` for an unknown id.
    func revokeToken(_ id: String, now: Date) async throws -> APIToken
    /// Makes the live tokens of `application` (id or uid) that would outlive `at` expire then, only those of
    /// `sessionIDs` when it is given; returns how many changed. Throws ``HeraldError/notFound(_:)`` for an unknown
    /// application.
    func expireApplicationTokens(application: String, sessionIDs: [String]?, at: Date) async throws -> Int

    // MARK: Integrations
    func insertIntegration(_ integration: Integration) async throws -> Integration
    /// The integrations of the application with id `application`, in id (creation) order.
    func integrations(application: String, _ page: PageRequest) async throws -> Page<Integration>
    /// Throws ``HeraldError/notFound(_:)`` when the application (an id) has no integration `id`.
    func integration(application: String, _ id: String) async throws -> Integration
    /// Stores `integration`'s name, feature flags and update time, and gives its key the new flags.
    func updateIntegration(_ integration: Integration) async throws -> Integration
    /// Deletes the integration and its key.
    func deleteIntegration(application: String, _ id: String) async throws
    /// Makes `key` (an application token) the integration's key and deletes the previous one, in one transaction.
    func rotateIntegrationKey(application: String, _ id: String, key: APIToken) async throws -> Integration

    // MARK: Destinations (polling endpoints)
    /// Throws ``HeraldError/conflict(_:)`` when the application already has a destination with its uid.
    func insertDestination(_ destination: Destination) async throws -> Destination
    /// The destinations of the application with id `application`, in id (creation) order.
    func destinations(application: String, _ page: PageRequest) async throws -> Page<Destination>
    /// The application's (an id) destination whose id or uid is `destination`.
    func destination(application: String, _ destination: String) async throws -> Destination
    /// Stores every field of `destination` but its id, application and creation time.
    func updateDestination(_ destination: Destination) async throws -> Destination
    /// Deletes the destination and its consumers' positions.
    func deleteDestination(application: String, _ id: String) async throws
    /// Up to `limit` messages of the application (an id) with ids above `position`, in id order, none of which a
    /// message committed later can sort before: a poller that moves past them never skips one.
    func messageStream(application: String, after position: String, limit: Int, now: Date) async throws -> [Message]
    /// Where the consumer `consumer` of the destination (an id) stopped reading; nil before its first read.
    func pollerPosition(destination: String, consumer: String) async throws -> String?
    func setPollerPosition(destination: String, consumer: String, position: String, now: Date) async throws

    // MARK: Idempotency
    /// Claims `key` for one request; a later claim sees the first one in progress or its stored response.
    /// A claim never completed (its process died) lapses after ``idempotencyClaimTimeout``.
    func claimIdempotencyKey(_ key: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim
    /// Stores the response to replay for `key` until `expiresAt`.
    func completeIdempotencyKey(_ key: String, response: StoredResponse, expiresAt: Date) async throws
    /// Gives the key up (the request failed), so that a retry with the same key can act.
    func releaseIdempotencyKey(_ key: String) async throws

    // MARK: Operations
    /// A cheap round trip to the database (a trivial read); throws when the store cannot answer. For health checks.
    func ping() async throws
    /// Cluster-wide numbers for the delivery gauges: unfinished deliveries, how many are due at `now` and since
    /// when, endpoints whose circuit is not closed, and disabled endpoints. See ``DeliveryBacklog``.
    func deliveryBacklog(now: Date) async throws -> DeliveryBacklog

    // MARK: Retention
    /// Removes at most `batchSize` expired rows of each kind and reports how many: payloads whose
    /// `payloadExpiresAt` is at or before `now` (set to nothing, exactly like ``expungePayload(application:message:)``:
    /// the message, its deliveries and attempts stay), attempts and background tasks created more than
    /// `attemptRetention` seconds before `now`, and idempotency keys expired at `now`. Callers loop (with pauses) while
    /// ``PruneResult/mayHaveMore(batchSize:)``, so no call holds the writer long. Deliveries still pending when their
    /// payload goes fail at their next attempt with error kind `payload_expired`; resend answers ``HeraldError/gone(_:)``.
    func pruneExpired(now: Date, attemptRetention: TimeInterval, batchSize: Int) async throws -> PruneResult
}
