import Synchronization

/// A counting semaphore for async code: bounds how much work is in flight.
public final class AsyncPermits: Sendable {
    private struct State {
        let capacity: Int
        var available: Int
        /// Permits held back by ``setLimit(_:)``: the free ones are `available - withheld`.
        var withheld = 0
        var waiters: [Waiter] = []

        /// Takes up to `most` permits if at least `least` are free; returns how many (0: none).
        mutating func take(least: Int, most: Int) -> Int {
            let free = available - withheld
            // A waiter for more than a lowered limit allows takes what the limit allows.
            guard free >= Swift.min(least, Swift.max(1, capacity - withheld)) else { return 0 }
            let count = Swift.min(most, free)
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
        state = Mutex(State(capacity: max(1, capacity), available: max(1, capacity)))
    }

    /// How many may be in use now (``setLimit(_:)``; the capacity until then).
    public var limit: Int { capacity - state.withLock { $0.withheld } }
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

    /// Lets at most `limit` (clamped to `1...capacity`) be in use from now on. Permits in use
    /// above a lowered limit are not taken back; new ones wait until use falls under it.
    public func setLimit(_ limit: Int) {
        update { $0.withheld = capacity - Swift.max(1, Swift.min(limit, capacity)) }
    }

    /// Returns `count` permits and wakes waiters.
    public func release(_ count: Int = 1) {
        update { $0.available += count }
    }

    /// Changes the state, then wakes the waiters it lets in.
    private func update(_ change: (inout State) -> Void) {
        let wake = state.withLock { state -> [(CheckedContinuation<Int, Never>, Int)] in
            change(&state)
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
