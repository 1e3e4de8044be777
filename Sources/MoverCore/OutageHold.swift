public import Logging

/// Holds work through dependency outages: an outage (no connection, a connection lost or timed
/// out, a database restarting) or throttling past the adaptive window's own retries is retried
/// with capped, jittered backoff for up to ``maxHold``, and the outage is recorded in ``health``
/// so the caller can stop taking on new work meanwhile.
///
/// Everything else is thrown at once: failures that belong to the object (access denied, source
/// missing), and transient answers (a 5xx, a 2xx that is not the operation's result) whose
/// ordinary retry budget is spent: a server that answers, however wrongly, is not an outage, and
/// holding its objects for ``maxHold`` would stall the run.
public struct OutageHold: Sendable {
    public let health: DependencyHealth
    /// How long one object may be held before it counts as failed.
    public var maxHold: Duration
    /// The longest pause between attempts.
    public var backoffCap: Duration
    public let logger: Logger

    public init(health: DependencyHealth = DependencyHealth(), maxHold: Duration = .seconds(900),
                backoffCap: Duration = .seconds(5), logger: Logger) {
        self.health = health
        self.maxHold = maxHold
        self.backoffCap = backoffCap
        self.logger = logger
    }

    /// Runs `migrate` until it succeeds, fails permanently, ``maxHold`` passes, or the task is cancelled.
    public func run(_ migrate: () async throws -> MigrationOutcome) async throws -> MigrationOutcome {
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            do {
                let outcome = try await migrate()
                if let lasted = health.markHealthy() {
                    logger.notice("dependencies answering again", metadata: ["outage_lasted": "\(lasted)"])
                }
                return outcome
            } catch let error as MigrationError where error.failureClass == .outage || error.failureClass == .throttled {
                guard !Task.isCancelled, ContinuousClock.now - started < maxHold else { throw error }
                if health.markOutage("\(error.step.rawValue): \(error.code)") {
                    logger.warning("dependency outage: holding in-flight work and pausing new work", metadata: [
                        "step": "\(error.step.rawValue)", "error_code": "\(error.code)", "error": "\(error.underlying)",
                    ])
                }
                attempt += 1
                MoverMetrics.retried(error.code)
                try await Task.sleep(for: Backoff(initial: .milliseconds(500), cap: backoffCap).delay(attempt: attempt))
            }
        }
    }
}
