/// The PostgreSQL schema as named, append-only migrations (the same tables as the SQLite store).
///
/// Text keys that lists are ordered and paged by use the "C" collation, so ids sort byte for byte as on SQLite
/// whatever the database's locale. Times are BIGINT milliseconds since 1970.
enum PostgresSchema {
    struct Migration: Sendable {
        let name: String
        /// Run one by one (the extended query protocol takes one statement at a time).
        let statements: [String]
    }

    /// The key of the transaction-scoped advisory lock that serializes migrations across instances.
    static let advisoryLockKey: Int64 = 0x4845_5241_4C44  // "HERALD"

    static let migrations: [Migration] = [
        foundation, gaugeAndRetentionIndexes, endpointOwnership, deferralIndex, backgroundTask, messageDeliverAt,
        messageContentType, backgroundTaskCount, applicationToken, applicationTokenFeatureFlags, integration,
        backgroundTaskData, destination, tokenNotifications, backgroundTaskRunning,
    ]

    static let foundation = Migration(
        name: "v1-foundation",
        statements: [
            """
            CREATE TABLE application (
                id TEXT COLLATE "C" PRIMARY KEY,
                uid TEXT UNIQUE,
                name TEXT NOT NULL,
                throttle_rate BIGINT,
                metadata TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE endpoint (
                id TEXT COLLATE "C" PRIMARY KEY,
                app_id TEXT COLLATE "C" NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                uid TEXT,
                url TEXT NOT NULL,
                description TEXT NOT NULL,
                disabled BOOLEAN NOT NULL,
                event_types TEXT,
                channels TEXT,
                throttle_rate BIGINT,
                metadata TEXT NOT NULL,
                headers TEXT NOT NULL,
                secrets TEXT NOT NULL,
                retry_schedule TEXT,
                fifo BOOLEAN NOT NULL DEFAULT false,
                circuit_state TEXT NOT NULL DEFAULT 'closed',
                circuit TEXT,
                health TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (app_id, uid)
            )
            """,
            "CREATE INDEX endpoint_by_app ON endpoint(app_id, id)",
            """
            CREATE TABLE event_type (
                name TEXT COLLATE "C" PRIMARY KEY,
                description TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                deprecated BOOLEAN NOT NULL,
                schemas TEXT,
                group_name TEXT,
                feature_flags TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE message (
                id TEXT COLLATE "C" PRIMARY KEY,
                app_id TEXT COLLATE "C" NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                event_type TEXT NOT NULL,
                event_id TEXT,
                channels TEXT,
                tags TEXT,
                payload BYTEA,
                payload_expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX message_by_event_id ON message(app_id, event_id) WHERE event_id IS NOT NULL",
            "CREATE INDEX message_by_app ON message(app_id, id)",
            "CREATE INDEX message_by_app_type ON message(app_id, event_type, id)",
            """
            CREATE TABLE message_channel (
                app_id TEXT COLLATE "C" NOT NULL,
                channel TEXT NOT NULL,
                message_id TEXT COLLATE "C" NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                PRIMARY KEY (app_id, channel, message_id)
            )
            """,
            "CREATE INDEX message_channel_by_message ON message_channel(message_id)",
            """
            CREATE TABLE delivery (
                message_id TEXT COLLATE "C" NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                endpoint_id TEXT COLLATE "C" NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
                app_id TEXT COLLATE "C" NOT NULL,
                status INTEGER NOT NULL,
                fifo BOOLEAN NOT NULL DEFAULT false,
                attempt_count INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (message_id, endpoint_id)
            )
            """,
            "CREATE INDEX delivery_by_endpoint ON delivery(endpoint_id, message_id)",
            "CREATE INDEX delivery_due ON delivery(next_attempt_at) WHERE status IN (1, 3) AND fifo = false",
            "CREATE INDEX delivery_fifo ON delivery(endpoint_id, message_id) WHERE status IN (1, 3) AND fifo = true",
            "CREATE INDEX delivery_by_lease_owner ON delivery(lease_owner) WHERE lease_owner IS NOT NULL",
            """
            CREATE TABLE attempt (
                id TEXT COLLATE "C" PRIMARY KEY,
                message_id TEXT COLLATE "C" NOT NULL,
                endpoint_id TEXT COLLATE "C" NOT NULL,
                app_id TEXT COLLATE "C" NOT NULL,
                url TEXT NOT NULL,
                status INTEGER NOT NULL,
                response_status_code INTEGER NOT NULL,
                response TEXT NOT NULL,
                duration_ms BIGINT NOT NULL,
                trigger_type INTEGER NOT NULL,
                error_kind TEXT,
                attempt_number INTEGER NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX attempt_by_message ON attempt(app_id, message_id, id)",
            "CREATE INDEX attempt_by_endpoint ON attempt(app_id, endpoint_id, id)",
            "CREATE INDEX attempt_by_created ON attempt(created_at)",
            """
            CREATE TABLE api_token (
                id TEXT COLLATE "C" PRIMARY KEY,
                name TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            """
            CREATE TABLE idempotency_key (
                key TEXT PRIMARY KEY,
                completed BOOLEAN NOT NULL,
                status_code INTEGER,
                content_type TEXT,
                body BYTEA,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX idempotency_key_by_expiry ON idempotency_key(expires_at)",
        ]
    )

    /// Small partial indexes for the endpoint gauges (open circuits, disabled endpoints) and the pruner's payload scan.
    static let gaugeAndRetentionIndexes = Migration(
        name: "v2-gauge-and-retention-indexes",
        statements: [
            "CREATE INDEX endpoint_circuit_not_closed ON endpoint(circuit_state) WHERE circuit_state != 'closed'",
            "CREATE INDEX endpoint_disabled ON endpoint(disabled) WHERE disabled = true",
            "CREATE INDEX message_payload_expiry ON message(payload_expires_at) WHERE payload IS NOT NULL",
        ]
    )

    /// One instance at a time owns an endpoint's deliveries, so its limits hold across instances (see
    /// `PostgresStore+Ownership.swift`).
    static let endpointOwnership = Migration(
        name: "v3-endpoint-ownership",
        statements: [
            "ALTER TABLE endpoint ADD COLUMN owner TEXT",
            "ALTER TABLE endpoint ADD COLUMN owner_expires_at BIGINT",
            "CREATE INDEX endpoint_by_owner ON endpoint(owner) WHERE owner IS NOT NULL",
        ]
    )

    /// An endpoint's pending deliveries by due time, so deferring them behind an open circuit reads only the ones
    /// still to defer (through `delivery_by_endpoint` every chunk re-read the whole backlog and history). Leased
    /// deliveries (status 3) stay out of it, as ingest to a healthy endpoint writes them.
    static let deferralIndex = Migration(
        name: "v4-deferral-index",
        statements: [
            """
            CREATE INDEX delivery_waiting_by_endpoint ON delivery(endpoint_id, next_attempt_at)
            WHERE status = 1 AND fifo = false
            """
        ]
    )

    /// Recover and replay tasks, for clients that poll them. Ids are time-ordered, so the pruner deletes by id.
    static let backgroundTask = Migration(
        name: "v5-background-task",
        statements: [
            """
            CREATE TABLE background_task (
                id TEXT COLLATE "C" PRIMARY KEY,
                task TEXT NOT NULL,
                status TEXT NOT NULL,
                messages_sent BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ]
    )

    /// When a message's first attempts are due, if the producer scheduled them (Svix's `deliverAt`).
    static let messageDeliverAt = Migration(
        name: "v6-message-deliver-at",
        statements: ["ALTER TABLE message ADD COLUMN deliver_at BIGINT"]
    )

    /// The content type of a raw (not JSON object) payload, which it is delivered with; NULL for JSON.
    static let messageContentType = Migration(
        name: "v7-message-content-type",
        statements: ["ALTER TABLE message ADD COLUMN content_type TEXT"]
    )

    /// A purge of an application's content counts messages purged, not sent: the column counts either.
    static let backgroundTaskCount = Migration(
        name: "v8-background-task-count",
        statements: ["ALTER TABLE background_task RENAME COLUMN messages_sent TO item_count"]
    )

    /// Application (app portal) tokens: the one application they open, their capabilities, session and expiry.
    /// Deleting the application deletes its tokens.
    static let applicationToken = Migration(
        name: "v9-application-token",
        statements: [
            "ALTER TABLE api_token ADD COLUMN app_id TEXT COLLATE \"C\" REFERENCES application(id) ON DELETE CASCADE",
            "ALTER TABLE api_token ADD COLUMN capabilities TEXT",
            "ALTER TABLE api_token ADD COLUMN session_id TEXT",
            "ALTER TABLE api_token ADD COLUMN expires_at BIGINT",
            "CREATE INDEX api_token_by_app ON api_token (app_id) WHERE app_id IS NOT NULL",
            "CREATE INDEX api_token_by_expiry ON api_token (expires_at) WHERE expires_at IS NOT NULL",
        ]
    )

    /// The feature flags of an application token (comma-separated): which flagged event types it sees.
    static let applicationTokenFeatureFlags = Migration(
        name: "v10-application-token-feature-flags",
        statements: ["ALTER TABLE api_token ADD COLUMN feature_flags TEXT"]
    )

    /// Svix's integrations: a name and feature flags per application, and the API token that is the key.
    static let integration = Migration(
        name: "v11-integration",
        statements: [
            """
            CREATE TABLE integration (
                id TEXT COLLATE "C" PRIMARY KEY,
                app_id TEXT COLLATE "C" NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                feature_flags TEXT,
                token_id TEXT COLLATE "C",
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX integration_by_app ON integration (app_id, id)",
        ]
    )

    /// A task's result beyond its count (usage statistics), as JSON.
    static let backgroundTaskData = Migration(
        name: "v12-background-task-data",
        statements: ["ALTER TABLE background_task ADD COLUMN data TEXT"]
    )

    /// Polling endpoints (Svix's destinations of type pollingEndpoint) and where each consumer stopped.
    static let destination = Migration(
        name: "v13-destination",
        statements: [
            """
            CREATE TABLE destination (
                id TEXT COLLATE "C" PRIMARY KEY,
                app_id TEXT COLLATE "C" NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                uid TEXT,
                type TEXT NOT NULL,
                disabled BOOLEAN NOT NULL,
                event_types TEXT,
                channels TEXT,
                batch_size BIGINT NOT NULL,
                max_wait_secs BIGINT NOT NULL,
                metadata TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX destination_by_app ON destination (app_id, id)",
            "CREATE UNIQUE INDEX destination_uid ON destination (app_id, uid) WHERE uid IS NOT NULL",
            """
            CREATE TABLE poller_consumer (
                destination_id TEXT COLLATE "C" NOT NULL REFERENCES destination(id) ON DELETE CASCADE,
                consumer_id TEXT NOT NULL,
                position TEXT COLLATE "C" NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (destination_id, consumer_id)
            )
            """,
        ]
    )

    /// Every change to a token row (revoked, expired, deleted, directly or by cascade) notifies its id on
    /// `herald_tokens`, so that every instance's token cache forgets it at once.
    static let tokenNotifications = Migration(
        name: "v14-token-notifications",
        statements: [
            """
            CREATE FUNCTION herald_token_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('herald_tokens', OLD.id);
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER api_token_changed AFTER UPDATE OR DELETE ON api_token
            FOR EACH ROW EXECUTE FUNCTION herald_token_changed()
            """,
        ]
    )

    /// The sweep for tasks whose process stopped reads running tasks only.
    static let backgroundTaskRunning = Migration(
        name: "v15-background-task-running",
        statements: ["CREATE INDEX background_task_running ON background_task (updated_at) WHERE status = 'running'"]
    )
}
