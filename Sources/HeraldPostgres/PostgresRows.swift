import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

/// Conversions between Herald's values and PostgreSQL columns, the same as the SQLite store's: dates as BIGINT
/// milliseconds since 1970 (so both stores return identical `Date`s), collections as JSON text, payloads as BYTEA.
enum PostgresColumn {
    static func milliseconds(_ date: Date) -> Int64 { date.millisecondsSince1970 }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func json(_ value: (some Encodable)?) throws -> String? {
        try value.map { try json($0) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
}

extension PostgresRandomAccessRow {
    /// The value of `column`, decoded as `T` (an optional type for nullable columns).
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    func date(_ column: String) throws -> Date { PostgresColumn.date(try value(column, as: Int64.self)) }

    func optionalDate(_ column: String) throws -> Date? {
        try value(column, as: Int64?.self).map(PostgresColumn.date)
    }
}

extension Application {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row.value("id"),
            uid: try row.value("uid"),
            name: try row.value("name"),
            throttleRate: try row.value("throttle_rate"),
            metadata: try PostgresColumn.decode([String: String].self, row.value("metadata")) ?? [:],
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}

extension Endpoint {
    /// An endpoint row, its sealed columns opened with `columns` (see ``SecretColumns``).
    init(postgresRow row: PostgresRandomAccessRow, columns: SecretColumns) throws {
        let id: String = try row.value("id")
        let secrets = try columns.openSecrets(try row.value("secrets"), endpointID: id)
        let headers = try columns.openHeaders(try row.value("headers"), endpointID: id)
        self.init(
            id: id,
            applicationID: try row.value("app_id"),
            uid: try row.value("uid"),
            url: try row.value("url"),
            description: try row.value("description"),
            disabled: try row.value("disabled"),
            eventTypes: try PostgresColumn.decode([String].self, row.value("event_types")),
            channels: try PostgresColumn.decode([String].self, row.value("channels")),
            throttleRate: try row.value("throttle_rate"),
            metadata: try PostgresColumn.decode([String: String].self, row.value("metadata")) ?? [:],
            headers: headers,
            secrets: secrets,
            retrySchedule: try PostgresColumn.decode([TimeInterval].self, row.value("retry_schedule")),
            fifo: try row.value("fifo"),
            circuitState: try row.value("circuit_state"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}

extension EventType {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            name: try row.value("name"),
            description: try row.value("description"),
            archived: try row.value("archived"),
            deprecated: try row.value("deprecated"),
            schemas: try PostgresColumn.decode(JSONValue.self, row.value("schemas")),
            groupName: try row.value("group_name"),
            featureFlags: try PostgresColumn.decode([String].self, row.value("feature_flags")),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}

extension Message {
    /// Reads a message row; a payload past its expiry reads as absent even before the pruner removes it.
    init(postgresRow row: PostgresRandomAccessRow, now: Date = Date()) throws {
        let expiresAt = try row.date("payload_expires_at")
        let payload: Data? = expiresAt > now ? try row.value("payload") : nil
        self.init(
            id: try row.value("id"),
            applicationID: try row.value("app_id"),
            eventType: try row.value("event_type"),
            eventID: try row.value("event_id"),
            channels: try PostgresColumn.decode([String].self, row.value("channels")),
            tags: try PostgresColumn.decode([String].self, row.value("tags")),
            payload: payload.map { [UInt8]($0) },
            payloadExpiresAt: expiresAt,
            createdAt: try row.date("created_at"),
            deliverAt: try row.optionalDate("deliver_at"),
            contentType: try row.value("content_type")
        )
    }
}

extension Delivery {
    /// Reads a delivery from columns prefixed `d_` (so it can share a row with a joined message or endpoint).
    init(postgresPrefixedRow row: PostgresRandomAccessRow) throws {
        self.init(
            messageID: try row.value("d_message_id"),
            endpointID: try row.value("d_endpoint_id"),
            applicationID: try row.value("d_app_id"),
            status: DeliveryStatus(rawValue: try row.value("d_status")) ?? .pending,
            attemptCount: try row.value("d_attempt_count"),
            nextAttemptAt: try row.optionalDate("d_next_attempt_at"),
            createdAt: try row.date("d_created_at"),
            updatedAt: try row.date("d_updated_at")
        )
    }

    static let postgresPrefixedColumns = """
        d.message_id AS d_message_id, d.endpoint_id AS d_endpoint_id, d.app_id AS d_app_id, d.status AS d_status,
        d.attempt_count AS d_attempt_count, d.next_attempt_at AS d_next_attempt_at, d.created_at AS d_created_at,
        d.updated_at AS d_updated_at
        """
}

extension Attempt {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row.value("id"),
            messageID: try row.value("message_id"),
            endpointID: try row.value("endpoint_id"),
            applicationID: try row.value("app_id"),
            url: try row.value("url"),
            status: DeliveryStatus(rawValue: try row.value("status")) ?? .fail,
            responseStatusCode: try row.value("response_status_code"),
            response: try row.value("response"),
            durationMilliseconds: try row.value("duration_ms"),
            trigger: AttemptTrigger(rawValue: try row.value("trigger_type")) ?? .scheduled,
            errorKind: try row.value("error_kind"),
            attemptNumber: try row.value("attempt_number"),
            createdAt: try row.date("created_at")
        )
    }
}
