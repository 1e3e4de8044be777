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
    /// Liveness: is the process doing its job (the worker's poll loop turning)? Failing it restarts the
    /// pod. Must answer at once: it runs on the server's event loop.
    public var liveness: @Sendable () -> HealthStatus
    /// Readiness: can it do its job now (the database and the queue answer)? Must answer at once
    /// (from a cached background check): it runs on the server's event loop.
    public var readiness: @Sendable () -> HealthStatus

    public init(liveness: @escaping @Sendable () -> HealthStatus, readiness: @escaping @Sendable () -> HealthStatus) {
        self.liveness = liveness
        self.readiness = readiness
    }
}
