import Synchronization

/// AWS "standard" retry behaviour: a few attempts, exponential backoff with full jitter, a
/// longer base for throttling, and a shared retry quota so that a dead dependency is not hammered.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The backoff base for transient failures.
    public var baseDelay: Duration
    /// The backoff base for throttling.
    public var throttledBaseDelay: Duration
    /// The longest single pause.
    public var maxDelay: Duration
    /// The retry budget shared by every call that uses this policy.
    public let quota: RetryQuota
    /// Holds outages and throttling past the budget (see ``OutageHold``); nil: they are thrown
    /// like any other failure once the budget is spent.
    public var hold: OutageHold?
    /// The clock its pauses and the hold's limit are measured on.
    public var clock: any Clock<Duration>

    /// The SDK defaults: 3 attempts, 100 ms base, 500 ms when throttled, 20 s at most, 500-token quota.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(100), throttledBaseDelay: Duration = .milliseconds(500),
                maxDelay: Duration = .seconds(20), quota: RetryQuota = RetryQuota(), hold: OutageHold? = nil,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.hold = hold
        self.clock = clock
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.throttledBaseDelay = throttledBaseDelay
        self.maxDelay = maxDelay
        self.quota = quota
    }

    /// The pause before retry number `retry` (1 for the first retry): a uniform random value in
    /// `[0, min(maxDelay, base × 2^(retry-1))]`.
    public func delay(beforeRetry retry: Int, after failure: FailureClass, random: Double = Double.random(in: 0...1)) -> Duration {
        backoff(after: failure).delay(attempt: retry, random: random)
    }

    /// The schedule for a failure of this class: full jitter over the base doubling to ``maxDelay``.
    public func backoff(after failure: FailureClass) -> Backoff {
        Backoff(initial: failure == .throttled ? throttledBaseDelay : baseDelay, cap: maxDelay, jitter: 0...1)
    }

    /// This policy, holding outages through `hold`.
    public func holding(through hold: OutageHold) -> RetryPolicy {
        var policy = self
        policy.hold = hold
        return policy
    }

    /// Runs `operation`, retrying transient and throttled failures within the attempt and quota
    /// budget, and then, with a ``hold``, outages and throttling for as long as it holds them.
    ///
    /// One loop and one classification (``FailureClass``) decide every retry; the adaptive
    /// window and the outage hold are policies it consults, not loops around it.
    ///
    /// - Parameters:
    ///   - window: every attempt takes a slot of this adaptive window and reports to it; a
    ///     throttled attempt is retried inside the window (its backoff, up to
    ///     ``AdaptiveWindow/maximumThrottledAttempts``) before it spends this policy's budget.
    ///   - onRetry: told of each failure that will be retried (for logs and metrics).
    @discardableResult
    public func run<T>(
        in window: AdaptiveWindow? = nil,
        _ operation: () async throws -> T,
        onRetry: (_ error: any Error, _ attempt: Int, _ delay: Duration) -> Void = { _, _, _ in }
    ) async throws -> T {
        var attempt = 1
        var throttledInWindow = 0
        /// How long the hold has held the call, and how often.
        var held: (elapsed: () -> Duration, count: Int)?
        while true {
            let admission = await window?.admit()
            do {
                let value = try await operation()
                if let admission { window?.finished(admission, throttled: false) }
                quota.recordSuccess(retried: attempt > 1)
                hold?.answered()
                return value
            } catch {
                let failure = error.failureClass
                if let window, let admission {
                    window.finished(admission, throttled: failure == .throttled, failed: true)
                    if failure == .throttled, throttledInWindow + 1 < AdaptiveWindow.maximumThrottledAttempts, !Task.isCancelled {
                        throttledInWindow += 1
                        try await clock.sleep(for: AdaptiveWindow.throttledBackoff.delay(attempt: throttledInWindow))
                        continue
                    }
                }
                guard !Task.isCancelled, failure != .permanent else { throw error }
                if attempt < maxAttempts, quota.acquire(for: failure) {
                    let pause = delay(beforeRetry: attempt, after: failure)
                    MoverMetrics.retried(error.failureCode)
                    onRetry(error, attempt, pause)
                    try await clock.sleep(for: pause)
                    attempt += 1
                    continue
                }
                // The budget is spent: only the hold may go on, and only through an outage.
                let elapsed = held?.elapsed ?? clock.stopwatch()
                let count = (held?.count ?? 0) + 1
                guard let hold, let pause = hold.pause(after: error, heldFor: elapsed(), attempt: count) else { throw error }
                held = (elapsed, count)
                MoverMetrics.retried(error.failureCode)
                onRetry(error, attempt, pause)
                try await clock.sleep(for: pause)
                // Each held attempt has the ordinary budget again, as a new call would.
                attempt = 1
                throttledInWindow = 0
            }
        }
    }
}

/// The SDKs' retry token bucket: each retry spends tokens, each success returns some, and
/// when the bucket is empty failures are no longer retried.
public final class RetryQuota: Sendable {
    private let tokens: Mutex<Int>
    private let capacity: Int
    /// Tokens a retry after a transient failure costs.
    public let retryCost: Int
    /// Tokens a retry after throttling costs.
    public let throttledRetryCost: Int

    /// Creates a bucket holding `capacity` tokens.
    public init(capacity: Int = 500, retryCost: Int = 5, throttledRetryCost: Int = 5) {
        self.capacity = capacity
        self.tokens = Mutex(capacity)
        self.retryCost = retryCost
        self.throttledRetryCost = throttledRetryCost
    }

    /// Takes the tokens for one retry; false when there are not enough.
    public func acquire(for failure: FailureClass) -> Bool {
        let cost = failure == .throttled ? throttledRetryCost : retryCost
        return tokens.withLock { available in
            guard available >= cost else { return false }
            available -= cost
            return true
        }
    }

    /// Returns tokens after a success: the retry's cost when it had been retried, else one.
    public func recordSuccess(retried: Bool) {
        tokens.withLock { available in
            available = min(capacity, available + (retried ? retryCost : 1))
        }
    }

    /// Tokens left.
    public var available: Int { tokens.withLock { $0 } }
}

extension Clock where Duration == Swift.Duration {
    /// A stopwatch started now: each call returns the time since.
    func stopwatch() -> @Sendable () -> Duration {
        let started = now
        return { started.duration(to: self.now) }
    }
}
