import Synchronization

/// Tracks the backfill's resume point: the last listed key such that it and every key listed
/// before it are done. `--start-after` that key loses nothing.
///
/// Memory is bounded by the span of keys in flight, not by the size of the listing; after a
/// failure, by the keys in flight before it (the resume point can never pass a failed key, so
/// nothing listed after it is kept).
public final class ResumeTracker: Sendable {
    private struct State {
        var nextSequence = 0
        var nextToConfirm = 0
        var keys: [Int: String] = [:]
        var done: Set<Int> = []
        var resumePoint: String?
        /// The first failed ticket: the resume point stops before it.
        var firstFailure: Int?
    }

    private let state: Mutex<State>

    /// Starts from `startAfter` (the previous run's resume point), if any.
    public init(startAfter: String? = nil) {
        state = Mutex(State(resumePoint: startAfter))
    }

    /// Records that `key` was listed and handed to work; returns its ticket.
    public func started(_ key: String) -> Int {
        state.withLock { state in
            defer { state.nextSequence += 1 }
            if state.firstFailure == nil { state.keys[state.nextSequence] = key }
            return state.nextSequence
        }
    }

    /// Records that the object with `ticket` reached its final state.
    public func finished(_ ticket: Int) {
        state.withLock { state in
            if let failure = state.firstFailure, ticket >= failure { return }
            state.done.insert(ticket)
            while state.done.remove(state.nextToConfirm) != nil {
                state.resumePoint = state.keys.removeValue(forKey: state.nextToConfirm)
                state.nextToConfirm += 1
            }
        }
    }

    /// Records that the object with `ticket` failed: the resume point stays before it for good.
    public func failed(_ ticket: Int) {
        state.withLock { state in
            guard state.firstFailure.map({ ticket < $0 }) ?? true else { return }
            state.firstFailure = ticket
            state.keys = state.keys.filter { $0.key < ticket }
            state.done = state.done.filter { $0 < ticket }
        }
    }

    /// Keys held in memory now (for tests of the bound).
    package var heldKeys: Int { state.withLock { $0.keys.count + $0.done.count } }

    /// Every key up to and including this one is done.
    public var resumePoint: String? { state.withLock { $0.resumePoint } }

    /// Whether every key handed to work is done (none failed, none in flight).
    public var allDone: Bool { state.withLock { $0.firstFailure == nil && $0.nextToConfirm == $0.nextSequence } }
}
