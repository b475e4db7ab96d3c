import GRDB

/// The SQLite schema as named, append-only migrations.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE application (
                        id TEXT PRIMARY KEY NOT NULL,
                        uid TEXT UNIQUE,
                        name TEXT NOT NULL,
                        throttle_rate INTEGER,
                        metadata TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE endpoint (
                        id TEXT PRIMARY KEY NOT NULL,
                        app_id TEXT NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                        uid TEXT,
                        url TEXT NOT NULL,
                        description TEXT NOT NULL,
                        disabled INTEGER NOT NULL,
                        event_types TEXT,
                        channels TEXT,
                        throttle_rate INTEGER,
                        metadata TEXT NOT NULL,
                        headers TEXT NOT NULL,
                        secrets TEXT NOT NULL,
                        retry_schedule TEXT,
                        fifo INTEGER NOT NULL DEFAULT 0,
                        circuit_state TEXT NOT NULL DEFAULT 'closed',
                        circuit TEXT,
                        health TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        UNIQUE (app_id, uid)
                    );
                    CREATE INDEX endpoint_by_app ON endpoint(app_id, id);
                    CREATE TABLE event_type (
                        name TEXT PRIMARY KEY NOT NULL,
                        description TEXT NOT NULL,
                        archived INTEGER NOT NULL,
                        deprecated INTEGER NOT NULL,
                        schemas TEXT,
                        group_name TEXT,
                        feature_flags TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE message (
                        id TEXT PRIMARY KEY NOT NULL,
                        app_id TEXT NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                        event_type TEXT NOT NULL,
                        event_id TEXT,
                        channels TEXT,
                        tags TEXT,
                        payload BLOB,
                        payload_expires_at INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE UNIQUE INDEX message_by_event_id ON message(app_id, event_id) WHERE event_id IS NOT NULL;
                    CREATE INDEX message_by_app ON message(app_id, id);
                    CREATE INDEX message_by_app_type ON message(app_id, event_type, id);
                    CREATE TABLE message_channel (
                        app_id TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        message_id TEXT NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                        PRIMARY KEY (app_id, channel, message_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX message_channel_by_message ON message_channel(message_id);
                    CREATE TABLE delivery (
                        message_id TEXT NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                        endpoint_id TEXT NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
                        app_id TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        fifo INTEGER NOT NULL DEFAULT 0,
                        attempt_count INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (message_id, endpoint_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX delivery_by_endpoint ON delivery(endpoint_id, message_id);
                    CREATE INDEX delivery_due ON delivery(next_attempt_at) WHERE status IN (1, 3) AND fifo = 0;
                    CREATE INDEX delivery_fifo ON delivery(endpoint_id, message_id) WHERE status IN (1, 3) AND fifo = 1;
                    CREATE TABLE attempt (
                        id TEXT PRIMARY KEY NOT NULL,
                        message_id TEXT NOT NULL,
                        endpoint_id TEXT NOT NULL,
                        app_id TEXT NOT NULL,
                        url TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        response_status_code INTEGER NOT NULL,
                        response TEXT NOT NULL,
                        duration_ms INTEGER NOT NULL,
                        trigger_type INTEGER NOT NULL,
                        error_kind TEXT,
                        attempt_number INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX attempt_by_message ON attempt(app_id, message_id, id);
                    CREATE INDEX attempt_by_endpoint ON attempt(app_id, endpoint_id, id);
                    CREATE INDEX attempt_by_created ON attempt(created_at);
                    CREATE TABLE api_token (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        hash TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );
                    CREATE TABLE idempotency_key (
                        key TEXT PRIMARY KEY NOT NULL,
                        completed INTEGER NOT NULL,
                        status_code INTEGER,
                        content_type TEXT,
                        body BLOB,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX idempotency_key_by_expiry ON idempotency_key(expires_at);
                    """
            )
        }
        // Small partial indexes for the endpoint gauges (open circuits, disabled endpoints), so sampling them
        // reads only those endpoints.
        migrator.registerMigration("endpoint-gauge-indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX endpoint_circuit_not_closed ON endpoint(circuit_state) WHERE circuit_state != 'closed';
                    CREATE INDEX endpoint_disabled ON endpoint(disabled) WHERE disabled = 1;
                    """
            )
        }
        migrator.registerMigration("retention-indexes") { db in
            // Backs the pruner's payload scan; attempts and idempotency keys already have expiry-ordered indexes.
            try db.execute(
                sql: "CREATE INDEX message_payload_expiry ON message(payload_expires_at) WHERE payload IS NOT NULL"
            )
        }
        migrator.registerMigration("deferral-index") { db in
            // An endpoint's pending deliveries by due time, so deferring them behind an open circuit reads only
            // the ones still to defer. Through `delivery_by_endpoint` every chunk re-read the whole backlog (and the
            // finished history) to skip what the chunks before it had deferred. Deliveries born leased to this
            // process (status 3) stay out of it: ingest to a healthy endpoint never writes to it.
            try db.execute(
                sql: """
                    CREATE INDEX delivery_waiting_by_endpoint ON delivery(endpoint_id, next_attempt_at)
                    WHERE status = 1 AND fifo = 0
                    """
            )
        }
        migrator.registerMigration("background-task") { db in
            // Recover and replay tasks, for clients that poll them. Ids are time-ordered, so the pruner deletes by id.
            try db.execute(
                sql: """
                    CREATE TABLE background_task (
                        id TEXT PRIMARY KEY NOT NULL,
                        task TEXT NOT NULL,
                        status TEXT NOT NULL,
                        messages_sent INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("message-deliver-at") { db in
            // When a message's first attempts are due, if the producer scheduled them (Svix's `deliverAt`).
            try db.execute(sql: "ALTER TABLE message ADD COLUMN deliver_at INTEGER")
        }
        migrator.registerMigration("message-content-type") { db in
            // The content type of a raw (not JSON object) payload, which it is delivered with; NULL for JSON.
            try db.execute(sql: "ALTER TABLE message ADD COLUMN content_type TEXT")
        }
        migrator.registerMigration("background-task-count") { db in
            // A purge of an application's content counts messages purged, not sent: the column counts either.
            try db.execute(sql: "ALTER TABLE background_task RENAME COLUMN messages_sent TO item_count")
        }
        migrator.registerMigration("application-token") { db in
            // Application (app portal) tokens: the one application they open, their capabilities, session and
            // expiry. Deleting the application deletes its tokens.
            try db.execute(
                sql: """
                    ALTER TABLE api_token ADD COLUMN app_id TEXT REFERENCES application(id) ON DELETE CASCADE;
                    ALTER TABLE api_token ADD COLUMN capabilities TEXT;
                    ALTER TABLE api_token ADD COLUMN session_id TEXT;
                    ALTER TABLE api_token ADD COLUMN expires_at INTEGER;
                    CREATE INDEX api_token_by_app ON api_token (app_id) WHERE app_id IS NOT NULL;
                    CREATE INDEX api_token_by_expiry ON api_token (expires_at) WHERE expires_at IS NOT NULL;
                    """
            )
        }
        migrator.registerMigration("application-token-feature-flags") { db in
            // The feature flags of an application token (comma-separated): which flagged event types it sees.
            try db.execute(sql: "ALTER TABLE api_token ADD COLUMN feature_flags TEXT")
        }
        migrator.registerMigration("integration") { db in
            // Svix's integrations: a name and feature flags per application, and the API token that is the key.
            try db.execute(
                sql: """
                    CREATE TABLE integration (
                        id TEXT PRIMARY KEY NOT NULL,
                        app_id TEXT NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        feature_flags TEXT,
                        token_id TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX integration_by_app ON integration (app_id, id);
                    """
            )
        }
        migrator.registerMigration("background-task-data") { db in
            // A task's result beyond its count (usage statistics), as JSON.
            try db.execute(sql: "ALTER TABLE background_task ADD COLUMN data TEXT")
        }
        migrator.registerMigration("destination") { db in
            // Polling endpoints (Svix's destinations of type pollingEndpoint) and where each consumer stopped.
            try db.execute(
                sql: """
                    CREATE TABLE destination (
                        id TEXT PRIMARY KEY NOT NULL,
                        app_id TEXT NOT NULL REFERENCES application(id) ON DELETE CASCADE,
                        uid TEXT,
                        type TEXT NOT NULL,
                        disabled INTEGER NOT NULL,
                        event_types TEXT,
                        channels TEXT,
                        batch_size INTEGER NOT NULL,
                        max_wait_secs INTEGER NOT NULL,
                        metadata TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX destination_by_app ON destination (app_id, id);
                    CREATE UNIQUE INDEX destination_uid ON destination (app_id, uid) WHERE uid IS NOT NULL;
                    CREATE TABLE poller_consumer (
                        destination_id TEXT NOT NULL REFERENCES destination(id) ON DELETE CASCADE,
                        consumer_id TEXT NOT NULL,
                        position TEXT NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (destination_id, consumer_id)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("background-task-running") { db in
            // The sweep for tasks whose process stopped reads running tasks only.
            try db.execute(
                sql: "CREATE INDEX background_task_running ON background_task (updated_at) WHERE status = 'running'")
        }
        migrator.registerMigration("token-change") { db in
            // Every change to a token, by any process (`herald token revoke` too), for the running server's token
            // cache: see SQLiteStore.watchTokenChanges. Foreign-key cascades fire the delete trigger as well.
            try db.execute(
                sql: """
                    CREATE TABLE token_change (seq INTEGER PRIMARY KEY AUTOINCREMENT, token_id TEXT NOT NULL);
                    CREATE TRIGGER api_token_updated AFTER UPDATE ON api_token
                    BEGIN INSERT INTO token_change (token_id) VALUES (OLD.id); END;
                    CREATE TRIGGER api_token_deleted AFTER DELETE ON api_token
                    BEGIN INSERT INTO token_change (token_id) VALUES (OLD.id); END;
                    """
            )
        }
        return migrator
    }
}
