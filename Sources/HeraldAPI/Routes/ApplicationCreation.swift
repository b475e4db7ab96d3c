import Foundation
import HeraldCore
import HeraldStore

/// Routes that create the application their path names when it does not exist yet: a message or app-portal
/// access describing it (`application` in the body), and the operational webhook routes.
enum ApplicationCreation {
    /// The application `key` (an id or uid) names; when there is none, the one `make` builds, created (or, when
    /// a concurrent request created it first, that one). `make` returning nil keeps the 404.
    static func existingOrCreated(_ key: String, store: any Store, _ make: () throws -> HeraldCore.Application?)
        async throws -> HeraldCore.Application
    {
        do {
            return try await store.application(key)
        } catch let error as HeraldError where error.isNotFound {
            guard let application = try make() else { throw error }
            do {
                return try await store.insertApplication(application)
            } catch let error as HeraldError where error.isConflict {
                return try await store.application(key)  // created meanwhile by a concurrent request
            }
        }
    }

    static let operationalName = "Herald operational webhooks"

    /// The id of the operational application (the `operational-app` setting, an id or uid), created on first use
    /// with that uid; an `app_…` id that names no application is not created (404).
    static func operationalID(_ key: String, store: any Store) async throws -> String {
        do {
            return try await existingOrCreated(key, store: store) {
                guard !key.hasPrefix(Identifier.applicationPrefix) else { return nil }
                let now = Date()
                return HeraldCore.Application(
                    id: Identifier.make(prefix: Identifier.applicationPrefix, milliseconds: now.millisecondsSince1970),
                    uid: key, name: operationalName, createdAt: now, updatedAt: now)
            }.id
        } catch let error as HeraldError where error.isNotFound {
            throw HeraldError.notFound("The operational application \(key) does not exist")
        }
    }
}
