import Synchronization

/// A counting semaphore for async code: bounds how much work is in flight.
public final class AsyncPermits: Sendable {
    private struct State {
        var available: Int
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>
    /// The total number of permits.
    public let capacity: Int

    public init(_ capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State(available: max(1, capacity)))
    }

    /// Permits free now.
    public var available: Int { state.withLock { $0.available } }
    /// Permits taken now.
    public var inUse: Int { capacity - available }

    /// Waits until at least one permit is free, then takes up to `max` of them; returns how many.
    public func acquire(upTo max: Int) async -> Int {
        let wanted = Swift.max(1, Swift.min(max, capacity))
        let taken = state.withLock { state -> Int in
            guard state.available > 0, state.waiters.isEmpty else { return 0 }
            let count = Swift.min(wanted, state.available)
            state.available -= count
            return count
        }
        if taken > 0 { return taken }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.available >= 1 && state.waiters.isEmpty {
                    state.available -= 1
                    return true
                }
                state.waiters.append((1, continuation))
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return 1
    }

    /// Returns `count` permits and wakes waiters.
    public func release(_ count: Int = 1) {
        let wake = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.available += count
            var woken: [CheckedContinuation<Void, Never>] = []
            while let first = state.waiters.first, state.available >= first.count {
                state.available -= first.count
                woken.append(first.continuation)
                state.waiters.removeFirst()
            }
            return woken
        }
        wake.forEach { $0.resume() }
    }
}
