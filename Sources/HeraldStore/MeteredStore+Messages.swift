import Foundation
import HeraldCore

extension MeteredStore {
    // MARK: Messages

    public func createMessage(application: String, _ message: NewMessage, now: Date) async throws -> Message {
        try await measure(.createMessage) { try await base.createMessage(application: application, message, now: now) }
    }

    public func message(application: String, _ message: String) async throws -> Message {
        try await measure(.message) { try await base.message(application: application, message) }
    }

    public func messages(application: String, filter: MessageFilter, _ page: PageRequest) async throws -> Page<Message> {
        try await measure(.messages) { try await base.messages(application: application, filter: filter, page) }
    }

    public func expungePayload(application: String, message: String) async throws {
        try await measure(.expungePayload) { try await base.expungePayload(application: application, message: message) }
    }

    public func expungeAllPayloads(application: String) async throws -> Int {
        try await measure(.expungeAllPayloads) { try await base.expungeAllPayloads(application: application) }
    }

    /// Not timed: it only installs a callback.
    public func installIngestHandoff(_ handoff: IngestHandoff?) {
        base.installIngestHandoff(handoff)
    }

    // MARK: Deliveries and attempts

    public func messageDestinations(application: String, message: String, _ page: PageRequest) async throws
        -> Page<MessageDestination>
    {
        try await measure(.messageDestinations) {
            try await base.messageDestinations(application: application, message: message, page)
        }
    }

    public func endpointMessages(application: String, endpoint: String, filter: MessageFilter, _ page: PageRequest)
        async throws -> Page<EndpointMessage>
    {
        try await measure(.endpointMessages) {
            try await base.endpointMessages(application: application, endpoint: endpoint, filter: filter, page)
        }
    }

    public func attempts(application: String, filter: AttemptFilter, _ page: PageRequest) async throws -> Page<Attempt> {
        try await measure(.attempts) { try await base.attempts(application: application, filter: filter, page) }
    }

    public func attempt(application: String, message: String, _ attempt: String) async throws -> Attempt {
        try await measure(.attempt) { try await base.attempt(application: application, message: message, attempt) }
    }

    public func expungeAttemptResponse(application: String, message: String, _ attempt: String) async throws {
        try await measure(.expungeAttemptResponse) {
            try await base.expungeAttemptResponse(application: application, message: message, attempt)
        }
    }

    // MARK: Delivery engine

    public func leaseDueDeliveries(owner: String, now: Date, leaseDuration: TimeInterval, limit: Int) async throws
        -> [DeliveryTask]
    {
        try await measure(.leaseDueDeliveries) {
            try await base.leaseDueDeliveries(owner: owner, now: now, leaseDuration: leaseDuration, limit: limit)
        }
    }

    public func leaseFIFODeliveries(endpointID: String, owner: String, now: Date, leaseDuration: TimeInterval, limit: Int)
        async throws -> [DeliveryTask]
    {
        try await measure(.leaseFIFODeliveries) {
            try await base.leaseFIFODeliveries(
                endpointID: endpointID,
                owner: owner,
                now: now,
                leaseDuration: leaseDuration,
                limit: limit
            )
        }
    }

    public func fifoEndpointsWithPendingWork() async throws -> [String] {
        try await measure(.fifoEndpointsWithPendingWork) { try await base.fifoEndpointsWithPendingWork() }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        try await measure(.releaseLeases) { try await base.releaseLeases(owner: owner, now: now) }
    }

    public func renewLeases(owner: String, endpoints: [String], now: Date, leaseDuration: TimeInterval) async throws {
        try await measure(.renewLeases) {
            try await base.renewLeases(owner: owner, endpoints: endpoints, now: now, leaseDuration: leaseDuration)
        }
    }

    public func endpointForDelivery(_ endpointID: String) async throws -> (Endpoint, EndpointDeliveryState) {
        try await measure(.endpointForDelivery) { try await base.endpointForDelivery(endpointID) }
    }

    @discardableResult
    public func recordOutcomes(_ outcomes: DeliveryOutcomes, now: Date) async throws -> [(endpointID: String, until: Date)] {
        try await measure(.recordOutcomes) { try await base.recordOutcomes(outcomes, now: now) }
    }

    public func requeueFailedDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    {
        try await measure(.requeueFailedDeliveries) {
            try await base.requeueFailedDeliveries(
                application: application,
                endpoint: endpoint,
                since: since,
                until: until,
                now: now
            )
        }
    }

    public func replayMissingDeliveries(application: String, endpoint: String, since: Date, until: Date?, now: Date)
        async throws -> Int
    {
        try await measure(.replayMissingDeliveries) {
            try await base.replayMissingDeliveries(
                application: application,
                endpoint: endpoint,
                since: since,
                until: until,
                now: now
            )
        }
    }

    public func replayDeliveries(application: String, endpoint: String, filter: BulkReplayFilter, now: Date)
        async throws -> Int
    {
        try await measure(.replayDeliveries) {
            try await base.replayDeliveries(application: application, endpoint: endpoint, filter: filter, now: now)
        }
    }

    public func deliveryForResend(application: String, message: String, endpoint: String, now: Date) async throws
        -> (Endpoint, DeliveryTask)
    {
        try await measure(.deliveryForResend) {
            try await base.deliveryForResend(application: application, message: message, endpoint: endpoint, now: now)
        }
    }

    // MARK: Background tasks

    public func insertBackgroundTask(_ task: BackgroundTask) async throws {
        try await measure(.insertBackgroundTask) { try await base.insertBackgroundTask(task) }
    }

    public func updateBackgroundTask(_ task: BackgroundTask) async throws {
        try await measure(.updateBackgroundTask) { try await base.updateBackgroundTask(task) }
    }

    public func touchBackgroundTasks(_ ids: [String], now: Date) async throws {
        try await measure(.touchBackgroundTasks) { try await base.touchBackgroundTasks(ids, now: now) }
    }

    public func failAbandonedBackgroundTasks(updatedBefore: Date, now: Date) async throws -> Int {
        try await measure(.failAbandonedBackgroundTasks) {
            try await base.failAbandonedBackgroundTasks(updatedBefore: updatedBefore, now: now)
        }
    }

    public func backgroundTask(_ id: String) async throws -> BackgroundTask {
        try await measure(.backgroundTask) { try await base.backgroundTask(id) }
    }

    public func backgroundTasks(filter: BackgroundTaskFilter, _ page: PageRequest) async throws -> Page<BackgroundTask> {
        try await measure(.backgroundTasks) { try await base.backgroundTasks(filter: filter, page) }
    }

    public func applicationUsage(applications: [String]?, since: Date, until: Date) async throws -> [ApplicationUsage] {
        try await measure(.applicationUsage) {
            try await base.applicationUsage(applications: applications, since: since, until: until)
        }
    }

    // MARK: API tokens

    public func insertToken(_ token: APIToken) async throws {
        try await measure(.insertToken) { try await base.insertToken(token) }
    }

    public func token(hash: String) async throws -> APIToken? {
        try await measure(.token) { try await base.token(hash: hash) }
    }

    public func tokenCount() async throws -> Int {
        try await measure(.tokenCount) { try await base.tokenCount() }
    }

    public func tokens() async throws -> [APIToken] {
        try await measure(.tokens) { try await base.tokens() }
    }

    public func revokeToken(_ id: String, now: Date) async throws -> APIToken {
        try await measure(.revokeToken) { try await base.revokeToken(id, now: now) }
    }

    public func expireApplicationTokens(application: String, sessionIDs: [String]?, at: Date) async throws -> Int {
        try await measure(.expireApplicationTokens) {
            try await base.expireApplicationTokens(application: application, sessionIDs: sessionIDs, at: at)
        }
    }

    // MARK: Integrations

    public func insertIntegration(_ integration: Integration) async throws -> Integration {
        try await measure(.insertIntegration) { try await base.insertIntegration(integration) }
    }

    public func integrations(application: String, _ page: PageRequest) async throws -> Page<Integration> {
        try await measure(.integrations) { try await base.integrations(application: application, page) }
    }

    public func integration(application: String, _ id: String) async throws -> Integration {
        try await measure(.integration) { try await base.integration(application: application, id) }
    }

    public func updateIntegration(_ integration: Integration) async throws -> Integration {
        try await measure(.updateIntegration) { try await base.updateIntegration(integration) }
    }

    public func deleteIntegration(application: String, _ id: String) async throws {
        try await measure(.deleteIntegration) { try await base.deleteIntegration(application: application, id) }
    }

    public func rotateIntegrationKey(application: String, _ id: String, key: APIToken) async throws -> Integration {
        try await measure(.rotateIntegrationKey) { try await base.rotateIntegrationKey(application: application, id, key: key) }
    }

    // MARK: Idempotency

    public func claimIdempotencyKey(_ key: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim {
        try await measure(.claimIdempotencyKey) { try await base.claimIdempotencyKey(key, now: now, lifetime: lifetime) }
    }

    public func completeIdempotencyKey(_ key: String, response: StoredResponse, expiresAt: Date) async throws {
        try await measure(.completeIdempotencyKey) {
            try await base.completeIdempotencyKey(key, response: response, expiresAt: expiresAt)
        }
    }

    public func releaseIdempotencyKey(_ key: String) async throws {
        try await measure(.releaseIdempotencyKey) { try await base.releaseIdempotencyKey(key) }
    }

    // MARK: Operations

    public func ping() async throws {
        try await measure(.ping) { try await base.ping() }
    }

    public func deliveryBacklog(now: Date) async throws -> DeliveryBacklog {
        try await measure(.deliveryBacklog) { try await base.deliveryBacklog(now: now) }
    }

    // MARK: Retention

    public func pruneExpired(now: Date, attemptRetention: TimeInterval, batchSize: Int) async throws -> PruneResult {
        try await measure(.pruneExpired) {
            try await base.pruneExpired(now: now, attemptRetention: attemptRetention, batchSize: batchSize)
        }
    }
}
