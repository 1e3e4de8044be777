/// A capped exponential schedule: `initial`, twice that, four times… never above `cap`, each
/// pause scaled by a random factor in `jitter` so that many waiters do not wake in step.
///
/// The one schedule behind every wait: request retries (``RetryPolicy``, AWS-standard full
/// jitter), the adaptive window's throttled attempts, outage holds, receive failures and row waits.
public struct Backoff: Sendable, Hashable {
    /// The first pause (before jitter).
    public var initial: Duration
    /// The longest pause (before jitter).
    public var cap: Duration
    /// The factor each pause is scaled by, drawn uniformly.
    public var jitter: ClosedRange<Double>

    /// A cap below `initial` lowers the first pause to it.
    public init(initial: Duration, cap: Duration, jitter: ClosedRange<Double> = 0.5...1) {
        self.initial = min(initial, cap)
        self.cap = cap
        self.jitter = jitter
    }

    /// The pause before attempt `attempt` (1 for the first wait).
    public func delay(attempt: Int, random: Double? = nil) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let ceiling = min(cap, initial * (1 << min(doublings, 20)))
        let factor = random.map { jitter.lowerBound + (jitter.upperBound - jitter.lowerBound) * min(max($0, 0), 1) }
            ?? Double.random(in: jitter)
        return ceiling * factor
    }
}
