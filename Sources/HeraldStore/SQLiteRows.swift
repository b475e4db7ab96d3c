import Foundation
import GRDB
import HeraldCore

/// Conversions between Herald's values and SQLite columns: dates as integer milliseconds, collections as JSON text.
enum Column {
    static func milliseconds(_ date: Date) -> Int64 { date.millisecondsSince1970 }
    static func milliseconds(_ date: Date?) -> Int64? { date.map(milliseconds) }
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

extension Application {
    init(row: Row) throws {
        self.init(
            id: row["id"],
            uid: row["uid"],
            name: row["name"],
            throttleRate: row["throttle_rate"],
            metadata: try Column.decode([String: String].self, row["metadata"]) ?? [:],
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"])
        )
    }
}

/// The sealed-column codec of the store whose read or write is running. ``SQLiteStore`` binds it around every read
/// and write job, so the row decoders used by every query file open sealed columns without a codec argument.
enum SQLiteSecrets {
    @TaskLocal static var columns: SecretColumns?

    static var current: SecretColumns {
        guard let columns else { preconditionFailure("an endpoint row was read outside SQLiteStore.read or write") }
        return columns
    }
}

extension Endpoint {
    /// Reads an endpoint row, opening its sealed `secrets` and `headers` with the bound ``SQLiteSecrets``.
    init(row: Row) throws {
        let id: String = row["id"]
        let columns = SQLiteSecrets.current
        let secrets = try columns.openSecrets(row["secrets"], endpointID: id)
        let headers = try columns.openHeaders(row["headers"], endpointID: id)
        self.init(
            id: id,
            applicationID: row["app_id"],
            uid: row["uid"],
            url: row["url"],
            description: row["description"],
            disabled: row["disabled"],
            eventTypes: try Column.decode([String].self, row["event_types"]),
            channels: try Column.decode([String].self, row["channels"]),
            throttleRate: row["throttle_rate"],
            metadata: try Column.decode([String: String].self, row["metadata"]) ?? [:],
            headers: headers,
            secrets: secrets,
            retrySchedule: try Column.decode([TimeInterval].self, row["retry_schedule"]),
            fifo: row["fifo"],
            circuitState: row["circuit_state"],
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"])
        )
    }
}

extension EventType {
    init(row: Row) throws {
        self.init(
            name: row["name"],
            description: row["description"],
            archived: row["archived"],
            deprecated: row["deprecated"],
            schemas: try Column.decode(JSONValue.self, row["schemas"]),
            groupName: row["group_name"],
            featureFlags: try Column.decode([String].self, row["feature_flags"]),
            createdAt: Column.date(row["created_at"]),
            updatedAt: Column.date(row["updated_at"])
        )
    }
}

extension Message {
    /// Reads a message row; a payload past its expiry reads as absent even before the pruner removes it.
    init(row: Row, now: Date = Date()) throws {
        let expiresAt = Column.date(row["payload_expires_at"])
        let payload: Data? = expiresAt > now ? row["payload"] : nil
        self.init(
            id: row["id"],
            applicationID: row["app_id"],
            eventType: row["event_type"],
            eventID: row["event_id"],
            channels: try Column.decode([String].self, row["channels"]),
            tags: try Column.decode([String].self, row["tags"]),
            payload: payload.map { [UInt8]($0) },
            payloadExpiresAt: expiresAt,
            createdAt: Column.date(row["created_at"]),
            deliverAt: (row["deliver_at"] as Int64?).map(Column.date),
            contentType: row["content_type"]
        )
    }
}

extension Delivery {
    /// Reads a delivery from columns prefixed `d_` (so it can share a row with a joined message or endpoint).
    init(prefixedRow row: Row) {
        let next: Int64? = row["d_next_attempt_at"]
        self.init(
            messageID: row["d_message_id"],
            endpointID: row["d_endpoint_id"],
            applicationID: row["d_app_id"],
            status: DeliveryStatus(rawValue: row["d_status"]) ?? .pending,
            attemptCount: row["d_attempt_count"],
            nextAttemptAt: next.map(Column.date),
            createdAt: Column.date(row["d_created_at"]),
            updatedAt: Column.date(row["d_updated_at"])
        )
    }

    static let prefixedColumns = """
        d.message_id AS d_message_id, d.endpoint_id AS d_endpoint_id, d.app_id AS d_app_id, d.status AS d_status,
        d.attempt_count AS d_attempt_count, d.next_attempt_at AS d_next_attempt_at, d.created_at AS d_created_at,
        d.updated_at AS d_updated_at
        """
}

extension Attempt {
    init(row: Row) {
        self.init(
            id: row["id"],
            messageID: row["message_id"],
            endpointID: row["endpoint_id"],
            applicationID: row["app_id"],
            url: row["url"],
            status: DeliveryStatus(rawValue: row["status"]) ?? .fail,
            responseStatusCode: row["response_status_code"],
            response: row["response"],
            durationMilliseconds: row["duration_ms"],
            trigger: AttemptTrigger(rawValue: row["trigger_type"]) ?? .scheduled,
            errorKind: row["error_kind"],
            attemptNumber: row["attempt_number"],
            createdAt: Column.date(row["created_at"])
        )
    }
}
