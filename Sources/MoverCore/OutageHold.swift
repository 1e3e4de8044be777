public import Logging

/// The retry policy's rule for dependency outages: an outage (no connection, a connection lost or
/// timed out, a database restarting) or throttling that outlasts the ordinary retry budget is
/// *held*, tried again with capped, jittered backoff for up to ``maxHold``, and recorded in
/// ``health`` so that the callers stop taking on new work meanwhile.
///
/// A policy, not a loop: ``RetryPolicy/run(in:_:onRetry:)`` asks it, once the budget is spent,
/// whether to wait and try again (``pause(after:heldFor:attempt:)``), and tells it of each success
/// (``answered()``). Only a retry policy that carries a hold holds anything: the migration's
/// (worker and backfill alike); the listings, `rollback`, `finalize` and `verify` fail instead.
///
/// Everything else is thrown at once: failures that belong to the object (access denied, source
/// missing), and transient answers (a 5xx, a 2xx that is not the operation's result) whose
/// ordinary retry budget is spent: a server that answers, however wrongly, is not an outage, and
/// holding its objects for ``maxHold`` would stall the run.
public struct OutageHold: Sendable {
    public let health: DependencyHealth
    /// How long one call may be held before its failure is thrown.
    public var maxHold: Duration
    /// The pauses between held attempts.
    public var backoff: Backoff
    public let logger: Logger

    /// - Parameter backoffCap: the longest pause between held attempts (they start at 500 ms).
    public init(health: DependencyHealth = DependencyHealth(), maxHold: Duration = .seconds(900),
                backoffCap: Duration = .seconds(5), logger: Logger) {
        self.health = health
        self.maxHold = maxHold
        self.backoff = Backoff(initial: .milliseconds(500), cap: backoffCap)
        self.logger = logger
    }

    /// Whether failures of this class are held.
    public static func holds(_ failure: FailureClass) -> Bool {
        failure == .outage || failure == .throttled
    }

    /// The pause before held attempt `attempt` (1 for the first) after `error`, the call having
    /// been held for `heldFor`; nil when `error` is not held (not an outage, or held long enough).
    /// A new outage is marked in ``health`` and logged once.
    public func pause(after error: any Error, heldFor: Duration, attempt: Int) -> Duration? {
        guard Self.holds(error.failureClass), heldFor < maxHold else { return nil }
        if health.markOutage(error.failureCode) {
            logger.warning("dependency outage: holding in-flight work and pausing new work", metadata: [
                "error_code": "\(error.failureCode)", "error": "\(error)",
            ])
        }
        return backoff.delay(attempt: attempt)
    }

    /// A call succeeded: an outage that was marked is over.
    public func answered() {
        guard health.outage != nil, let lasted = health.markHealthy() else { return }
        logger.notice("dependencies answering again", metadata: ["outage_lasted": "\(lasted)"])
    }
}
