import Synchronization

/// Whether the worker's receive loops are alive, for a liveness probe.
///
/// Each loop ticks at every turn. A loop that waits for capacity (every permit busy with
/// in-flight work, which the visibility heartbeat keeps alive) or sleeps through a dependency
/// outage ticks before and after, and counts as alive while it waits: only a loop that stopped
/// turning outside those waits — a hang — fails the probe.
public final class PollLoopLiveness: Sendable {
    private struct State {
        var lastTick: ContinuousClock.Instant
        /// Why each wait in progress waits.
        var waiting: [String] = []
        /// Whether any loop has turned (or waited) yet.
        var started = false
        var stopped = false
    }

    /// How long a loop may go without a tick: a long poll (≤ 20 s) plus its timeout, with margin.
    public let staleAfter: Duration
    private let state: Mutex<State>

    public init(staleAfter: Duration = .seconds(90)) {
        self.staleAfter = staleAfter
        state = Mutex(State(lastTick: .now))
    }

    /// A loop turned.
    public func tick() { state.withLock { $0.lastTick = .now; $0.started = true } }

    /// Runs `wait` (waiting for capacity, or for the start-up checks) without counting its
    /// duration against the loop; `reason` is what the probe reports meanwhile.
    public func waiting<T>(_ reason: String = "waiting for in-flight work to finish", _ wait: () async throws -> T) async rethrows -> T {
        state.withLock { $0.waiting.append(reason); $0.lastTick = .now; $0.started = true }
        defer {
            state.withLock { state in
                if let index = state.waiting.firstIndex(of: reason) { state.waiting.remove(at: index) }
                state.lastTick = .now
            }
        }
        return try await wait()
    }

    /// The loops have finished (shutdown or drain): no longer alive.
    public func stop() { state.withLock { $0.stopped = true } }

    /// Alive, with a reason when not.
    public func check(now: ContinuousClock.Instant = .now) -> (alive: Bool, detail: String) {
        state.withLock { state in
            if state.stopped { return (false, "receive loops have stopped") }
            if let reason = state.waiting.last { return (true, reason) }
            if !state.started { return (true, "starting") }
            let silent = now - state.lastTick
            return silent <= staleAfter
                ? (true, "receive loop turned \(silent.components.seconds) s ago")
                : (false, "receive loop has not turned for \(silent) (limit \(staleAfter))")
        }
    }
}
