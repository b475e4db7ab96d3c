import Foundation
import HeraldCore
import HeraldStore

/// The operational application, which receives Herald's operational events (the `operational-app` setting).
/// Managing its endpoints through `/api/v1/operational-webhook/endpoint` creates it on first use, with the
/// setting's value as its uid; an `app_…` id that names no application is not created (404).
enum OperationalApplication {
    static let name = "Herald operational webhooks"

    /// The id of the application `key` (an id or uid) names, created first when it is a uid that names none.
    static func id(_ key: String, store: any Store) async throws -> String {
        do {
            return try await store.application(key).id
        } catch let error as HeraldError where error.isNotFound {
            guard !key.hasPrefix(Identifier.applicationPrefix) else {
                throw HeraldError.notFound("The operational application \(key) does not exist")
            }
            let now = Date()
            let application = Application(
                id: Identifier.make(prefix: Identifier.applicationPrefix, milliseconds: now.millisecondsSince1970),
                uid: key, name: name, createdAt: now, updatedAt: now)
            do {
                return try await store.insertApplication(application).id
            } catch let error as HeraldError where error.isConflict {
                return try await store.application(key).id  // created meanwhile by a concurrent request
            }
        }
    }
}
