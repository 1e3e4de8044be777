import Logging
import MoverCore
import MoverRuntime
import Observability

/// `/metrics`, `/healthz` and `/readyz`, when METRICS_PORT (or --metrics-port) is set.
struct MetricsEndpoint {
    let server: ObservabilityServer
    let readiness: ReadinessProbe?
    let queueDepth: Task<Void, Never>?

    /// Installs the Prometheus backend and starts the server; nil when no port is configured.
    /// Call before any work starts, so that every metric lands in the registry.
    static func startIfConfigured(
        runtime: Runtime, queueURL: String?, liveness: @escaping @Sendable () -> HealthStatus, logger: Logger
    ) async throws -> MetricsEndpoint? {
        guard let port = try runtime.settings.metricsPort() else { return nil }
        let registry = PrometheusMetrics.bootstrap(eventAgeMetric: MetricName.eventAge)
        let readiness = runtime.hasDatabase
            ? ReadinessProbe(database: runtime.database, sqs: queueURL == nil ? nil : try runtime.sqs(), queueURL: queueURL, logger: logger)
            : nil
        readiness?.start()
        let checks = HealthChecks(liveness: liveness, readiness: {
            guard let readiness else { return HealthStatus(healthy: true, detail: "no database in this mode") }
            let status = readiness.status()
            return HealthStatus(healthy: status.ready, detail: status.detail)
        })
        do {
            let server = try await ObservabilityServer.start(port: port, registry: registry, checks: checks, logger: logger)
            let monitor = try queueURL.map { QueueDepthMonitor(sqs: try runtime.sqs(), queueURL: $0, logger: logger) }
            let queueDepth = monitor.map { monitor in Task { await monitor.run() } }
            return MetricsEndpoint(server: server, readiness: readiness, queueDepth: queueDepth)
        } catch {
            readiness?.stop()
            throw error
        }
    }

    func shutdown() async {
        queueDepth?.cancel()
        readiness?.stop()
        await server.shutdown()
    }
}
