import Synchronization

/// How many copy requests may be in flight, adapted to throttling like TCP's congestion window
/// (and the AWS CRT S3 client's). It starts small and, until the first throttling, grows by one
/// per success (slow start: doubling per window). From then on each success adds 1/limit (one
/// per window of successes), and a throttled request (SlowDown, 503) halves it, unless it
/// started before the last halving, so a burst of throttles from one window halves it once. It
/// stays within `1...maximum`.
///
/// A policy, not a retry loop of its own: each attempt of ``RetryPolicy/run(in:_:onRetry:)``
/// takes a slot (``admit()``) and reports its outcome (``finished(_:throttled:failed:)``), and
/// the retry policy retries throttled attempts inside the window, up to
/// ``maximumThrottledAttempts`` without spending its budget: a throttled object's retry waits
/// its turn instead of adding to the load.
public final class AdaptiveWindow: Sendable {
    private struct State {
        var limit: Double
        /// Bumped at each halving; an attempt started before it cannot halve again.
        var generation = 0
        /// No throttling seen yet: grow by one per success.
        var slowStart = true
        var throttles = 0
        var successes = 0
    }

    public let maximum: Int
    private let state: Mutex<State>
    /// The attempts' slots.
    private let slots: AsyncPermits
    /// Another intake that follows the limit (the worker's message permits).
    private let follower: Mutex<AsyncPermits?>

    /// The first limit: small, so that a throttled server sees a small burst; slow start
    /// reaches any maximum within a few round trips.
    public static let initialLimit = 8

    public init(maximum: Int) {
        self.maximum = max(1, maximum)
        state = Mutex(State(limit: Double(min(max(1, maximum), Self.initialLimit))))
        slots = AsyncPermits(max(1, maximum))
        follower = Mutex(nil)
    }

    /// The current limit.
    public var limit: Int { Int(state.withLock { $0.limit }) }
    /// Throttled requests seen, and successes.
    public var counts: (throttles: Int, successes: Int) { state.withLock { ($0.throttles, $0.successes) } }

    /// How often one call's attempts may be throttled before the throttling is thrown.
    public static let maximumThrottledAttempts = 30

    /// A slot taken by one attempt, and the generation it started in.
    public struct Admission: Sendable {
        fileprivate let generation: Int
    }

    /// Waits for a slot for one attempt. Give it back with ``finished(_:throttled:)``.
    public func admit() async -> Admission {
        _ = await slots.acquire(atLeast: 1, upTo: 1)
        return Admission(generation: state.withLock { $0.generation })
    }

    /// Gives the attempt's slot back and adapts to its outcome: a throttled attempt halves the
    /// limit (unless it started before the last halving), any other widens it. An attempt that
    /// failed otherwise neither widens nor narrows it.
    public func finished(_ admission: Admission, throttled: Bool, failed: Bool = false) {
        slots.release()
        if throttled {
            self.throttled(startedIn: admission.generation)
        } else if !failed {
            succeeded()
        }
    }

    /// The pause before a throttled attempt is admitted again: 50 ms doubling to 2 s, full jitter
    /// (``RetryPolicy/run(in:_:onRetry:)`` retries throttling inside the window).
    public static let throttledBackoff = Backoff(initial: .milliseconds(50), cap: .seconds(2), jitter: 0...1)

    /// Keeps `permits`' limit equal to this window's (the worker's intake).
    public func drive(_ permits: AsyncPermits) {
        follower.withLock { $0 = permits }
        permits.setLimit(limit)
    }

    /// A request succeeded.
    public func succeeded() {
        let changed = state.withLock { state -> Int? in
            state.successes += 1
            let before = Int(state.limit)
            state.limit = min(Double(maximum), state.limit + (state.slowStart ? 1 : 1 / state.limit))
            return Int(state.limit) != before ? Int(state.limit) : nil
        }
        if let changed { publish(changed) }
    }

    /// A request that started in `generation` (nil: now) was throttled.
    public func throttled(startedIn generation: Int? = nil) {
        let changed = state.withLock { state -> Int? in
            state.throttles += 1
            guard (generation ?? state.generation) == state.generation else { return nil }
            state.limit = max(1, (state.limit / 2).rounded(.down))
            state.generation += 1
            state.slowStart = false
            return Int(state.limit)
        }
        if let changed { publish(changed) }
    }

    private func publish(_ limit: Int) {
        MoverMetrics.window(limit)
        slots.setLimit(limit)
        follower.withLock { $0 }?.setLimit(limit)
    }
}
