/// The answer to a probe: healthy or not, and a line saying why.
public struct HealthStatus: Sendable, Hashable {
    public var healthy: Bool
    public var detail: String

    public init(healthy: Bool, detail: String) {
        self.healthy = healthy
        self.detail = detail
    }
}

/// The checks behind `/healthz` and `/readyz`.
public struct HealthChecks: Sendable {
    /// Liveness: is the process doing its job (the worker's poll loop turning)? Failing it restarts the pod.
    public var liveness: @Sendable () -> HealthStatus
    /// Readiness: can it do its job now (the database and the queue answer)?
    public var readiness: @Sendable () async -> HealthStatus

    public init(liveness: @escaping @Sendable () -> HealthStatus, readiness: @escaping @Sendable () async -> HealthStatus) {
        self.liveness = liveness
        self.readiness = readiness
    }
}
