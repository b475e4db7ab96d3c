import Foundation
import Hummingbird
import NIOCore

/// Routes about the service itself: health (no auth) and the OpenAPI contract.
struct ServiceRoutes {
    let openAPISpec: String

    func register(on router: Router<HeraldRequestContext>) {
        router.get("/api/v1/health") { _, _ in
            try JSONCoding.response(["status": "ok"])
        }
        router.get("/api/v1/openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: openAPISpec))
            )
        }
    }
}
