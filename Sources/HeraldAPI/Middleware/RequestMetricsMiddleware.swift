import Hummingbird

/// Counts every request by method, route template and final status (outermost, so it sees what error mapping
/// answered). The route template is the one the router matched, never the raw path with its ids.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: Int(status), since: started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        metrics.recordRequest(
            method: request.method,
            route: context.endpointPath,
            status: status,
            duration: ContinuousClock.now - started
        )
    }
}
