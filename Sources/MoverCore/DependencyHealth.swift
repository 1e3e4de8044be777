import Synchronization

/// Whether the dependencies (S3, PostgreSQL) are answering, as the work itself observes.
///
/// Work that hits an outage marks it; the first success clears it. While an outage is marked and
/// work is already held, the worker receives no new messages: they would only wait too, and
/// burn receive counts towards the dead-letter queue.
public final class DependencyHealth: Sendable {
    private struct State {
        var outage: String?
        var since: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a failure that looks like an outage; returns true if it is a new one.
    @discardableResult
    public func markOutage(_ description: String) -> Bool {
        state.withLock { state in
            defer { if state.outage == nil { state.since = .now }; state.outage = description }
            return state.outage == nil
        }
    }

    /// Records a success; returns how long the outage lasted if one was marked.
    @discardableResult
    public func markHealthy() -> Duration? {
        state.withLock { state in
            defer { state.outage = nil; state.since = nil }
            return state.since.map { .now - $0 }
        }
    }

    /// The outage in progress, if any.
    public var outage: String? { state.withLock { $0.outage } }
}
