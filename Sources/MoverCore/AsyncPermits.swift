import Synchronization

/// A counting semaphore for async code: bounds how much work is in flight.
public final class AsyncPermits: Sendable {
    private struct State {
        var available: Int
        var waiters: [Waiter] = []

        /// Takes up to `most` permits if at least `least` are free; returns how many (0: none).
        mutating func take(least: Int, most: Int) -> Int {
            guard available >= least else { return 0 }
            let count = Swift.min(most, available)
            available -= count
            return count
        }
    }

    private struct Waiter {
        var least: Int
        var most: Int
        var continuation: CheckedContinuation<Int, Never>
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
    /// Callers waiting for permits now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Waits until at least `minimum` permits are free, then takes as many as are free up to
    /// `maximum`; returns how many it took. Both are clamped to `1...capacity`. Waiters are served
    /// in order, so a large request is not starved by small ones.
    public func acquire(atLeast minimum: Int, upTo maximum: Int) async -> Int {
        let most = Swift.max(1, Swift.min(maximum, capacity))
        let least = Swift.max(1, Swift.min(minimum, most))
        let taken = state.withLock { $0.waiters.isEmpty ? $0.take(least: least, most: most) : 0 }
        if taken > 0 { return taken }
        return await withCheckedContinuation { continuation in
            let resumeWith = state.withLock { state -> Int in
                let count = state.waiters.isEmpty ? state.take(least: least, most: most) : 0
                if count == 0 { state.waiters.append(Waiter(least: least, most: most, continuation: continuation)) }
                return count
            }
            if resumeWith > 0 { continuation.resume(returning: resumeWith) }
        }
    }

    /// Returns `count` permits and wakes waiters.
    public func release(_ count: Int = 1) {
        let wake = state.withLock { state -> [(CheckedContinuation<Int, Never>, Int)] in
            state.available += count
            var woken: [(CheckedContinuation<Int, Never>, Int)] = []
            while let first = state.waiters.first {
                let granted = state.take(least: first.least, most: first.most)
                guard granted > 0 else { break }
                woken.append((first.continuation, granted))
                state.waiters.removeFirst()
            }
            return woken
        }
        for (continuation, granted) in wake { continuation.resume(returning: granted) }
    }
}
