import Foundation

/// Why an attempt was made. Raw values are Svix's `MessageAttemptTriggerType`.
public enum AttemptTrigger: Int, Sendable, Hashable, Codable {
    case scheduled = 0
    case manual = 1
}

/// One HTTP request Herald made to deliver a message: an append-only audit record.
public struct Attempt: Sendable, Hashable {
    public var id: String
    public var messageID: String
    public var endpointID: String
    public var applicationID: String
    public var url: String
    /// `success` or `fail`.
    public var status: DeliveryStatus
    /// The response's status code, or 0 when no response arrived.
    public var responseStatusCode: Int
    /// The response body, bounded.
    public var response: String
    public var durationMilliseconds: Int
    public var trigger: AttemptTrigger
    /// What went wrong without a response (`timeout`, `connect_refused`, …), nil otherwise.
    public var errorKind: String?
    /// 1 for the first attempt of a delivery.
    public var attemptNumber: Int
    public var createdAt: Date

    public init(
        id: String,
        messageID: String,
        endpointID: String,
        applicationID: String,
        url: String,
        status: DeliveryStatus,
        responseStatusCode: Int,
        response: String,
        durationMilliseconds: Int,
        trigger: AttemptTrigger,
        errorKind: String? = nil,
        attemptNumber: Int,
        createdAt: Date
    ) {
        self.id = id
        self.messageID = messageID
        self.endpointID = endpointID
        self.applicationID = applicationID
        self.url = url
        self.status = status
        self.responseStatusCode = responseStatusCode
        self.response = response
        self.durationMilliseconds = durationMilliseconds
        self.trigger = trigger
        self.errorKind = errorKind
        self.attemptNumber = attemptNumber
        self.createdAt = createdAt
    }
}
