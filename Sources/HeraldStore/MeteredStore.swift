import CoreMetrics
import Foundation
import HeraldCore
import Metrics

/// A ``Store`` that times every call of the store it wraps, for either backend.
///
/// Records `herald_store_operation_duration_seconds{operation}` (a histogram) for every call and counts
/// `herald_store_errors_total{operation}` for calls that fail with anything but a domain answer (not found,
/// conflict, gone: ``HeraldError``) or a cancellation. `operation` is a ``StoreOperation``: a fixed set.
public struct MeteredStore: Store {
    /// The store every call goes to.
    public let base: any Store
    private let instruments: [StoreOperation: Instruments]

    private struct Instruments: Sendable {
        let duration: CoreMetrics.Timer
        let errors: Counter
    }

    /// Wraps `base`; every operation's series exist from the start (errors at 0), so alerts see a baseline.
    public init(_ base: any Store, metrics: any MetricsFactory) {
        self.base = base
        var instruments: [StoreOperation: Instruments] = [:]
        for operation in StoreOperation.allCases {
            let dimensions = [("operation", operation.rawValue)]
            instruments[operation] = Instruments(
                duration: CoreMetrics.Timer(
                    label: "herald_store_operation_duration_seconds",
                    dimensions: dimensions,
                    factory: metrics
                ),
                errors: Counter(label: "herald_store_errors_total", dimensions: dimensions, factory: metrics)
            )
        }
        self.instruments = instruments
    }

    /// Runs `call`, recording its duration and, if it fails unexpectedly, an error.
    func measure<T>(_ operation: StoreOperation, _ call: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        let instruments = self.instruments[operation]
        defer { instruments?.duration.record(duration: ContinuousClock.now - started) }
        do {
            return try await call()
        } catch {
            if !(error is HeraldError), !(error is CancellationError) { instruments?.errors.increment() }
            throw error
        }
    }

    // MARK: Applications

    public func insertApplication(_ application: Application) async throws -> Application {
        try await measure(.insertApplication) { try await base.insertApplication(application) }
    }

    public func application(_ application: String) async throws -> Application {
        try await measure(.application) { try await base.application(application) }
    }

    public func applications(_ page: PageRequest) async throws -> Page<Application> {
        try await measure(.applications) { try await base.applications(page) }
    }

    public func updateApplication(
        _ application: String,
        _ change: @escaping @Sendable (inout Application) throws -> Void
    ) async throws -> Application {
        try await measure(.updateApplication) { try await base.updateApplication(application, change) }
    }

    public func deleteApplication(_ application: String) async throws {
        try await measure(.deleteApplication) { try await base.deleteApplication(application) }
    }

    // MARK: Endpoints

    public func insertEndpoint(_ endpoint: Endpoint) async throws -> Endpoint {
        try await measure(.insertEndpoint) { try await base.insertEndpoint(endpoint) }
    }

    public func endpoint(application: String, _ endpoint: String) async throws -> Endpoint {
        try await measure(.endpoint) { try await base.endpoint(application: application, endpoint) }
    }

    public func endpoints(application: String, _ page: PageRequest) async throws -> Page<Endpoint> {
        try await measure(.endpoints) { try await base.endpoints(application: application, page) }
    }

    public func updateEndpoint(
        application: String,
        _ endpoint: String,
        _ change: @escaping @Sendable (inout Endpoint) throws -> Void
    ) async throws -> Endpoint {
        try await measure(.updateEndpoint) { try await base.updateEndpoint(application: application, endpoint, change) }
    }

    public func deleteEndpoint(application: String, _ endpoint: String) async throws {
        try await measure(.deleteEndpoint) { try await base.deleteEndpoint(application: application, endpoint) }
    }

    public func endpointStats(application: String, endpoint: String, since: Date?, until: Date?) async throws
        -> DeliveryStats
    {
        try await measure(.endpointStats) {
            try await base.endpointStats(application: application, endpoint: endpoint, since: since, until: until)
        }
    }

    public func attemptStats(application: String, endpoint: String, since: Date?, until: Date?) async throws
        -> DeliveryStats
    {
        try await measure(.attemptStats) {
            try await base.attemptStats(application: application, endpoint: endpoint, since: since, until: until)
        }
    }

    // MARK: Event types

    public func insertEventType(_ eventType: EventType) async throws -> EventType {
        try await measure(.insertEventType) { try await base.insertEventType(eventType) }
    }

    public func eventType(_ name: String) async throws -> EventType {
        try await measure(.eventType) { try await base.eventType(name) }
    }

    public func eventTypes(_ page: PageRequest, includeArchived: Bool) async throws -> Page<EventType> {
        try await measure(.eventTypes) { try await base.eventTypes(page, includeArchived: includeArchived) }
    }

    public func updateEventType(
        _ name: String,
        _ change: @escaping @Sendable (inout EventType) throws -> Void
    ) async throws -> EventType {
        try await measure(.updateEventType) { try await base.updateEventType(name, change) }
    }

    public func deleteEventType(_ name: String, expunge: Bool) async throws {
        try await measure(.deleteEventType) { try await base.deleteEventType(name, expunge: expunge) }
    }
}
