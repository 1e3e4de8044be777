import Synchronization

/// Tracks the backfill's resume point: the last listed key such that it and every key listed
/// before it are done. `--start-after` that key loses nothing.
///
/// Memory is bounded by the span of keys in flight, not by the size of the listing.
public final class ResumeTracker: Sendable {
    private struct State {
        var nextSequence = 0
        var nextToConfirm = 0
        var keys: [Int: String] = [:]
        var done: Set<Int> = []
        var resumePoint: String?
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
            state.keys[state.nextSequence] = key
            return state.nextSequence
        }
    }

    /// Records that the object with `ticket` reached its final state.
    public func finished(_ ticket: Int) {
        state.withLock { state in
            state.done.insert(ticket)
            while state.done.remove(state.nextToConfirm) != nil {
                state.resumePoint = state.keys.removeValue(forKey: state.nextToConfirm)
                state.nextToConfirm += 1
            }
        }
    }

    /// Every key up to and including this one is done.
    public var resumePoint: String? { state.withLock { $0.resumePoint } }
}
