import Logging
public import MoverCore
import MoverRuntime
public import Observability
import ServiceLifecycle

/// `/metrics`, `/healthz` and `/readyz`, when METRICS_PORT (or --metrics-port) is set: the
/// server, the readiness probe and the queue-depth monitor.
struct MetricsEndpoint {
    let server: ObservabilityServer
    let readiness: ReadinessProbe?
    let queueDepth: QueueDepthMonitor?

    /// Installs the Prometheus backend and starts the server; nil when no port is configured.
    /// Call before any work starts, so that every metric lands in the registry. The server, the
    /// probe and the monitor then run as ``services``.
    static func startIfConfigured(
        runtime: Runtime, queueURL: String?, liveness: @escaping @Sendable () -> HealthStatus, logger: Logger
    ) async throws -> MetricsEndpoint? {
        guard let port = try runtime.settings.metricsPort() else { return nil }
        let registry = PrometheusMetrics.bootstrap(eventAgeMetric: MetricName.eventAge, help: MetricName.help)
        let readiness = runtime.hasDatabase
            ? ReadinessProbe(database: try runtime.database(), sqs: queueURL == nil ? nil : try runtime.sqs(), queueURL: queueURL, logger: logger)
            : nil
        let checks = HealthChecks(liveness: liveness, readiness: {
            guard let readiness else { return HealthStatus(healthy: true, detail: "no database in this mode") }
            let status = readiness.status()
            return HealthStatus(healthy: status.ready, detail: status.detail)
        })
        let server = try await ObservabilityServer.start(port: port, registry: registry, checks: checks, logger: logger)
        let monitor = try queueURL.map { QueueDepthMonitor(sqs: try runtime.sqs(), queueURL: $0, logger: logger) }
        return MetricsEndpoint(server: server, readiness: readiness, queueDepth: monitor)
    }

    /// The server (stopped last), the readiness probe and the queue-depth monitor, for a service
    /// group that lists them before the work they observe, so they stop after it.
    var services: [any Service] {
        [ServerService(server: server)] + [readiness as (any Service)?, queueDepth as (any Service)?].compactMap { $0 }
    }

    /// Serves until graceful shutdown, then closes the listener.
    private struct ServerService: Service {
        let server: ObservabilityServer
        func run() async throws {
            try? await gracefulShutdown()
            await server.shutdown()
        }
    }
}

/// The port is taken or not ours to bind: a setting to change, not a failure to retry.
extension ObservabilityError: PermanentError { public var failureCode: String { "MetricsPortUnavailable" } }
