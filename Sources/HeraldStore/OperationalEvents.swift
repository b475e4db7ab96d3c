import Foundation
import HeraldCore
import Logging
import Synchronization

/// An event about Herald itself (an endpoint disabled, a message's retries exhausted …), published as an ordinary
/// message into the operational application so operators subscribe to it with ordinary endpoints.
public struct OperationalEvent: Sendable {
    public var eventType: String
    public var payload: [UInt8]
    /// The application the event is about; events about the operational application itself are not published.
    public var applicationID: String

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.format(date))
        }
        return encoder
    }()

    private static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    private struct Envelope<Data: Encodable>: Encodable {
        var type: String
        var timestamp: Date
        var data: Data
    }

    private struct EndpointData: Encodable {
        var appId: String
        var endpointId: String
        var endpointUid: String?
        var failSince: Date?
        var trigger: String?
    }

    private struct AttemptData: Encodable {
        struct LastAttempt: Encodable {
            var id: String
            var timestamp: Date
            var responseStatusCode: Int
        }
        var appId: String
        var msgId: String
        var endpointId: String
        var lastAttempt: LastAttempt
    }

    private static func make(_ type: String, applicationID: String, data: some Encodable) -> OperationalEvent {
        let payload = (try? encoder.encode(Envelope(type: type, timestamp: Date(), data: data))) ?? Data("{}".utf8)
        return OperationalEvent(eventType: type, payload: [UInt8](payload), applicationID: applicationID)
    }

    public static func endpoint(_ type: String, _ endpoint: Endpoint) -> OperationalEvent {
        make(
            type, applicationID: endpoint.applicationID,
            data: EndpointData(appId: endpoint.applicationID, endpointId: endpoint.id, endpointUid: endpoint.uid))
    }

    public static func endpointDisabled(_ endpoint: Endpoint, failingSince: Date?) -> OperationalEvent {
        make(
            "endpoint.disabled",
            applicationID: endpoint.applicationID,
            data: EndpointData(
                appId: endpoint.applicationID,
                endpointId: endpoint.id,
                endpointUid: endpoint.uid,
                failSince: failingSince,
                trigger: "automatic"
            )
        )
    }

    private static func attempt(_ type: String, _ attempt: Attempt) -> OperationalEvent {
        make(
            type,
            applicationID: attempt.applicationID,
            data: AttemptData(
                appId: attempt.applicationID,
                msgId: attempt.messageID,
                endpointId: attempt.endpointID,
                lastAttempt: .init(id: attempt.id, timestamp: attempt.createdAt, responseStatusCode: attempt.responseStatusCode)
            )
        )
    }

    private struct TaskData: Encodable {
        var taskId: String
        var status: String
        var task: String
        var data: JSONValue
    }

    /// `background_task.finished`: a recover, replay or purge of `applicationID` (an id) ended.
    public static func backgroundTaskFinished(_ task: BackgroundTask, applicationID: String) -> OperationalEvent {
        make(
            "background_task.finished",
            applicationID: applicationID,
            data: TaskData(
                taskId: task.id, status: task.status.rawValue, task: task.kind.rawValue,
                data: task.data)
        )
    }

    public static func attemptExhausted(_ value: Attempt) -> OperationalEvent { attempt("message.attempt.exhausted", value) }
    public static func attemptFailing(_ value: Attempt) -> OperationalEvent { attempt("message.attempt.failing", value) }
    public static func attemptRecovered(_ value: Attempt) -> OperationalEvent { attempt("message.attempt.recovered", value) }
}

/// Publishes operational events into the application named by `HERALD_OPERATIONAL_APP`, when it exists.
public final class OperationalEvents: Sendable {
    /// `message.attempt.failing` goes out when this attempt fails; `recovered` when a later one succeeds.
    public static let failingAfterAttempts = 4
    /// The operational application's uid unless `HERALD_OPERATIONAL_APP` names another. Nothing is published
    /// until an application has it: creating an operational webhook endpoint creates it.
    public static let defaultApplication = "herald-operational"

    private let store: any Store
    private let application: String?
    private let logger: Logger
    private let resolvedID = Mutex<String?>(nil)
    /// Until when a lookup found no operational application: events are dropped without asking the store again, so
    /// a server with none does not read it for every failing attempt.
    private let missingUntil = Mutex<ContinuousClock.Instant?>(nil)
    /// How long a missing application is remembered. Nobody can be subscribed before it exists, so events of this
    /// moment have no receiver anyway.
    static let missingRecheck: Duration = .seconds(5)

    public init(store: any Store, application: String?, logger: Logger) {
        self.store = store
        self.application = application
        self.logger = logger
    }

    public func publish(_ events: [OperationalEvent]) async {
        guard let application, !events.isEmpty else { return }
        do {
            guard let operationalID = try await operationalApplicationID(application) else { return }
            for event in events where event.applicationID != operationalID {
                _ = try await store.createMessage(
                    application: operationalID,
                    NewMessage(eventType: event.eventType, payload: event.payload),
                    now: Date()
                )
            }
        } catch {
            logger.warning(
                "Publishing operational events failed", metadata: ["error": "\(error)", "application": "\(application)"])
        }
    }

    /// Looks the operational application up again at the next event, after it was created.
    public func applicationMayExistNow() {
        missingUntil.withLock { $0 = nil }
    }

    /// The operational application's id; nil while no application has that id or uid (no one subscribes then).
    private func operationalApplicationID(_ application: String) async throws -> String? {
        if let id = resolvedID.withLock({ $0 }) { return id }
        let now = ContinuousClock.now
        if let until = missingUntil.withLock({ $0 }), now < until { return nil }
        let id: String
        do {
            id = try await store.application(application).id
        } catch let error as HeraldError where error.isNotFound {
            missingUntil.withLock { $0 = now + Self.missingRecheck }
            return nil
        }
        resolvedID.withLock { $0 = id }
        return id
    }
}
