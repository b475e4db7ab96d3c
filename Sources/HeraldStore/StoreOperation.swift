/// The fixed set of names under which ``MeteredStore`` times store calls: one per ``Store`` requirement.
///
/// Raw values are the `operation` label of `herald_store_operation_duration_seconds` and
/// `herald_store_errors_total`; they never contain ids, so the label stays small however much data there is.
public enum StoreOperation: String, Sendable, Hashable, CaseIterable {
    case insertApplication = "insert_application"
    case application
    case applications
    case updateApplication = "update_application"
    case deleteApplication = "delete_application"
    case insertEndpoint = "insert_endpoint"
    case endpoint
    case endpoints
    case updateEndpoint = "update_endpoint"
    case deleteEndpoint = "delete_endpoint"
    case endpointStats = "endpoint_stats"
    case insertEventType = "insert_event_type"
    case eventType = "event_type"
    case eventTypes = "event_types"
    case updateEventType = "update_event_type"
    case deleteEventType = "delete_event_type"
    case createMessage = "create_message"
    case message
    case messages
    case expungePayload = "expunge_payload"
    case expungeAllPayloads = "expunge_all_payloads"
    case messageDestinations = "message_destinations"
    case endpointMessages = "endpoint_messages"
    case attempts
    case attempt
    case attemptStats = "attempt_stats"
    case expungeAttemptResponse = "expunge_attempt_response"
    case leaseDueDeliveries = "lease_due_deliveries"
    case leaseFIFODeliveries = "lease_fifo_deliveries"
    case fifoEndpointsWithPendingWork = "fifo_endpoints_with_pending_work"
    case releaseLeases = "release_leases"
    case renewLeases = "renew_leases"
    case endpointForDelivery = "endpoint_for_delivery"
    case recordOutcomes = "record_outcomes"
    case requeueFailedDeliveries = "requeue_failed_deliveries"
    case replayMissingDeliveries = "replay_missing_deliveries"
    case replayDeliveries = "replay_deliveries"
    case deliveryForResend = "delivery_for_resend"
    case insertBackgroundTask = "insert_background_task"
    case updateBackgroundTask = "update_background_task"
    case touchBackgroundTasks = "touch_background_tasks"
    case failAbandonedBackgroundTasks = "fail_abandoned_background_tasks"
    case backgroundTask = "background_task"
    case backgroundTasks = "background_tasks"
    case applicationUsage = "application_usage"
    case insertToken = "insert_token"
    case token
    case tokenCount = "token_count"
    case tokens
    case revokeToken = "revoke_token"
    case expireApplicationTokens = "expire_application_tokens"
    case insertIntegration = "insert_integration"
    case integrations
    case integration
    case updateIntegration = "update_integration"
    case deleteIntegration = "delete_integration"
    case rotateIntegrationKey = "rotate_integration_key"
    case insertDestination = "insert_destination"
    case destinations
    case destination
    case updateDestination = "update_destination"
    case deleteDestination = "delete_destination"
    case messageStream = "message_stream"
    case pollerPosition = "poller_position"
    case setPollerPosition = "set_poller_position"
    case claimIdempotencyKey = "claim_idempotency_key"
    case completeIdempotencyKey = "complete_idempotency_key"
    case releaseIdempotencyKey = "release_idempotency_key"
    case ping
    case deliveryBacklog = "delivery_backlog"
    case pruneExpired = "prune_expired"
}
