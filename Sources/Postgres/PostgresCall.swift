import Dispatch
import Synchronization

/// One caller's wait for a job on the dedicated thread: resumed exactly once, by the job's end or
/// by the caller's cancellation, whichever comes first.
///
/// A cancellation request is sticky: the thread checks it before each statement starts, and
/// while one runs it sends `PQcancel` again every second, so a request that reached the server
/// before the statement did is not lost.
final class PostgresCall<Value: Sendable>: Sendable {
    /// How long a cancelled caller waits for the statement to end (normally at once, SQLSTATE
    /// 57014) before it stops waiting; a server that no longer answers cannot hold it longer.
    static var cancelledWaitLimit: Duration { .seconds(2) }

    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var early: Result<Value, any Error>?
        var resumed = false
        var cancelRequested = false
    }

    private let state = Mutex(State())

    /// Whether the caller has asked for its statement to be cancelled.
    var isCancelRequested: Bool { state.withLock { $0.cancelRequested } }

    /// Marks the call cancelled, and stops waiting after ``cancelledWaitLimit`` at the latest.
    func requestCancel() {
        state.withLock { $0.cancelRequested = true }
        // A Dispatch timer, not a task: it holds nothing and does nothing once the call has ended.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(Self.cancelledWaitLimit.components.seconds * 1000))) {
            [self] in resume(with: .failure(CancellationError()))
        }
    }

    /// Gives the caller its result, unless it already has one.
    func resume(with result: Result<Value, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard !state.resumed else { return nil }
            guard let continuation = state.continuation else {
                if state.early == nil { state.early = result }
                return nil
            }
            state.resumed = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }

    /// Suspends until ``resume(with:)``; `start` hands the call to the thread.
    func wait(_ start: () -> Void) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let early = state.withLock { state -> Result<Value, any Error>? in
                if let early = state.early {
                    state.resumed = true
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early {
                continuation.resume(with: early)
            } else {
                start()
            }
        }
    }
}
