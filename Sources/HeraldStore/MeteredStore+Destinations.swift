import Foundation
import HeraldCore

extension MeteredStore {
    // MARK: Destinations (polling endpoints)

    public func insertDestination(_ destination: Destination) async throws -> Destination {
        try await measure(.insertDestination) { try await base.insertDestination(destination) }
    }

    public func destinations(application: String, _ page: PageRequest) async throws -> Page<Destination> {
        try await measure(.destinations) { try await base.destinations(application: application, page) }
    }

    public func destination(application: String, _ destination: String) async throws -> Destination {
        try await measure(.destination) { try await base.destination(application: application, destination) }
    }

    public func updateDestination(_ destination: Destination) async throws -> Destination {
        try await measure(.updateDestination) { try await base.updateDestination(destination) }
    }

    public func deleteDestination(application: String, _ id: String) async throws {
        try await measure(.deleteDestination) { try await base.deleteDestination(application: application, id) }
    }

    public func messageStream(application: String, after position: String, limit: Int, now: Date) async throws
        -> [Message]
    {
        try await measure(.messageStream) {
            try await base.messageStream(application: application, after: position, limit: limit, now: now)
        }
    }

    public func pollerPosition(destination: String, consumer: String) async throws -> String? {
        try await measure(.pollerPosition) { try await base.pollerPosition(destination: destination, consumer: consumer) }
    }

    public func setPollerPosition(destination: String, consumer: String, position: String, now: Date) async throws {
        try await measure(.setPollerPosition) {
            try await base.setPollerPosition(destination: destination, consumer: consumer, position: position, now: now)
        }
    }
}
