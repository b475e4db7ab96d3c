import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: the Prometheus registry in the text exposition format. Needs an API token like every route
/// but health (Prometheus sends it from `authorization: credentials_file:`).
struct MetricsRoutes {
    /// The registry to render; nil when this server exports no metrics (the route then answers 404).
    let registry: PrometheusCollectorRegistry?

    func register(on router: Router<HeraldRequestContext>) {
        router.get("/metrics") { _, _ in
            guard let registry else { throw APIError.notFound("This server does not export metrics") }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }
}
