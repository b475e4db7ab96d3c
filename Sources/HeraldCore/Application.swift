import Foundation

/// A tenant of Herald: the owner of endpoints and the target of messages.
public struct Application: Sendable, Hashable, Codable {
    public var id: String
    public var uid: String?
    public var name: String
    public var throttleRate: Int?
    public var metadata: [String: String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        uid: String? = nil,
        name: String,
        throttleRate: Int? = nil,
        metadata: [String: String] = [:],
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.uid = uid
        self.name = name
        self.throttleRate = throttleRate
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
