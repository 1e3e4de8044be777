import Synchronization

/// A one-way "stop now" flag that long-running loops poll and blocking waits subscribe to: the
/// worker's start-up checks (before its service group runs) and the backfill. The worker itself
/// runs on swift-service-lifecycle's graceful shutdown.
///
/// Graceful shutdown is not cancellation: work in flight may finish; only new work stops.
public final class ShutdownSignal: Sendable {
    private struct State {
        var triggered = false
        var nextID = 0
        var handlers: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether shutdown was requested.
    public var isTriggered: Bool { state.withLock { $0.triggered } }

    /// Requests shutdown and runs every registered handler once.
    public func trigger() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.triggered else { return [] }
            state.triggered = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        handlers.forEach { $0() }
    }

    /// Runs `operation`, cancelling it as soon as shutdown is requested.
    public func cancellingOnShutdown<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await operation() }
        let id: Int? = state.withLock { state in
            guard !state.triggered else { return nil }
            defer { state.nextID += 1 }
            state.handlers[state.nextID] = { task.cancel() }
            return state.nextID
        }
        if id == nil { task.cancel() }
        defer { if let id { _ = state.withLock { $0.handlers.removeValue(forKey: id) } } }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Sleeps for `duration`, returning early on shutdown or cancellation.
    public func sleep(for duration: Duration) async {
        _ = try? await cancellingOnShutdown { try await Task.sleep(for: duration) }
    }
}
