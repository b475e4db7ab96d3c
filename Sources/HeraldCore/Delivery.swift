import Foundation

/// The state of one message's delivery to one endpoint. Raw values are Svix's `MessageStatus`.
public enum DeliveryStatus: Int, Sendable, Hashable, Codable, CaseIterable {
    case success = 0
    case pending = 1
    case fail = 2
    case sending = 3
    case canceled = 4

    /// Svix's `MessageStatusText`.
    public var text: String {
        switch self {
        case .success: "success"
        case .pending: "pending"
        case .fail: "fail"
        case .sending: "sending"
        case .canceled: "canceled"
        }
    }
}

/// One message × endpoint pair: what remains to be delivered, and how it went so far.
public struct Delivery: Sendable, Hashable {
    public var messageID: String
    public var endpointID: String
    public var applicationID: String
    public var status: DeliveryStatus
    public var attemptCount: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        messageID: String,
        endpointID: String,
        applicationID: String,
        status: DeliveryStatus,
        attemptCount: Int = 0,
        nextAttemptAt: Date?,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.messageID = messageID
        self.endpointID = endpointID
        self.applicationID = applicationID
        self.status = status
        self.attemptCount = attemptCount
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Counts of an endpoint's deliveries by status (Svix's `EndpointStats`).
public struct DeliveryStats: Sendable, Hashable {
    public var success = 0
    public var pending = 0
    public var fail = 0
    public var sending = 0
    public var canceled = 0

    public init() {}

    public subscript(status: DeliveryStatus) -> Int {
        get {
            switch status {
            case .success: success
            case .pending: pending
            case .fail: fail
            case .sending: sending
            case .canceled: canceled
            }
        }
        set {
            switch status {
            case .success: success = newValue
            case .pending: pending = newValue
            case .fail: fail = newValue
            case .sending: sending = newValue
            case .canceled: canceled = newValue
            }
        }
    }
}
