import Synchronization

/// A clock whose time passes only when something sleeps on it: a sleep moves ``now`` to its
/// deadline and returns at once. Timed rules (a 15-minute outage hold, a 5-minute row wait) are
/// then tested in microseconds, whatever the machine's speed, and their pauses can be read
/// back. Meant for one sleeper at a time.
public final class VirtualClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        /// Time since the clock was made.
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var time = Duration.zero
        var pauses: [Duration] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { Instant(offset: state.withLock { $0.time }) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the time to `deadline` (if it is later) and returns; throws if the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.pauses.append(max(.zero, deadline.offset - state.time))
            state.time = max(state.time, deadline.offset)
        }
    }

    /// The time slept since the clock was made.
    public var elapsed: Duration { state.withLock { $0.time } }
    /// Each sleep's length, in order.
    public var pauses: [Duration] { state.withLock { $0.pauses } }
}
