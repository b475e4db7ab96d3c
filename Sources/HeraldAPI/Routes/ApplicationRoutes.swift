import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/api/v1/app`: create, read, list, upsert, patch and delete applications.
struct ApplicationRoutes {
    let store: any Store
    let configuration: APIConfiguration

    func register(on router: Router<HeraldRequestContext>) {
        router.get("/api/v1/app") { request, _ in
            let page = try await store.applications(Query(request).page(defaultOrder: .ascending))
            return try JSONCoding.listResponse(page) { try JSONCoding.encode(ApplicationOut($0)) }
        }
        router.post("/api/v1/app") { request, context in
            try await create(request, context)
        }
        router.get("/api/v1/app/{app_id}") { request, context in
            try JSONCoding.response(ApplicationOut(try await store.application(request.pathParameter("app_id", context))))
        }
        router.put("/api/v1/app/{app_id}") { request, context in
            try await upsert(request, context)
        }
        router.patch("/api/v1/app/{app_id}") { request, context in
            let patch = try await JSONCoding.decode(
                ApplicationPatch.self,
                request: request,
                context: context,
                limit: configuration.maximumBodyBytes
            )
            try patch.validate()
            let now = Date()
            let application = try await store.updateApplication(try request.pathParameter("app_id", context)) {
                patch.apply(to: &$0)
                $0.updatedAt = now
            }
            return try JSONCoding.response(ApplicationOut(application))
        }
        router.delete("/api/v1/app/{app_id}") { request, context in
            try await store.deleteApplication(request.pathParameter("app_id", context))
            return JSONCoding.noContent()
        }
    }

    private func create(_ request: Request, _ context: HeraldRequestContext) async throws -> Response {
        let input = try await JSONCoding.decode(
            ApplicationIn.self,
            request: request,
            context: context,
            limit: configuration.maximumBodyBytes
        )
        try input.validate()
        let getIfExists = try Query(request).bool("get_if_exists", default: false)
        if getIfExists, let uid = input.uid, let existing = try? await store.application(uid) {
            return try JSONCoding.response(ApplicationOut(existing))
        }
        let application = input.makeApplication(uid: input.uid, now: Date())
        do {
            return try JSONCoding.response(ApplicationOut(try await store.insertApplication(application)), status: .created)
        } catch let error as HeraldError where error.isConflict && getIfExists {
            // Created concurrently by another request: answer with that one.
            return try JSONCoding.response(ApplicationOut(try await store.application(input.uid ?? "")))
        }
    }

    private func upsert(_ request: Request, _ context: HeraldRequestContext) async throws -> Response {
        let key = try request.pathParameter("app_id", context)
        let input = try await JSONCoding.decode(
            ApplicationIn.self,
            request: request,
            context: context,
            limit: configuration.maximumBodyBytes
        )
        try input.validate()
        let now = Date()
        do {
            let application = try await store.updateApplication(key) {
                $0.name = input.name
                $0.uid = input.uid ?? $0.uid
                $0.throttleRate = input.throttleRate
                $0.metadata = input.metadata ?? [:]
                $0.updatedAt = now
            }
            return try JSONCoding.response(ApplicationOut(application))
        } catch let error as HeraldError where error.isNotFound {
            let uid = input.uid ?? key
            try Validate.identifier(uid, ["uid"])
            let application = input.makeApplication(uid: uid, now: now)
            return try JSONCoding.response(ApplicationOut(try await store.insertApplication(application)), status: .created)
        }
    }
}
