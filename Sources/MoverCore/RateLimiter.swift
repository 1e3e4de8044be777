import Synchronization

/// Spaces out starts to at most `perSecond` a second (S3 allows about 3,500 copies/s per prefix).
public final class RateLimiter: Sendable {
    private let interval: Duration
    private let next = Mutex(ContinuousClock.now)

    /// - Parameter perSecond: the ceiling; must be positive.
    public init(perSecond: Double) {
        interval = .nanoseconds(Int64(1e9 / max(perSecond, 0.001)))
    }

    /// Waits for the next slot.
    public func wait() async throws {
        let slot = next.withLock { next -> ContinuousClock.Instant in
            let slot = max(next, .now)
            next = slot + interval
            return slot
        }
        if slot > .now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}
