import Synchronization

/// Turns many concurrent single requests into few batched calls, without adding delay.
///
/// The first request starts a batch at once; requests that arrive while a batch is running wait
/// and go together in the next one (up to `maxBatch`). Under light load every request runs
/// alone and immediately; under heavy load batches grow to match the load.
public final class Coalescer<Input: Sendable, Output: Sendable>: Sendable {
    private struct Pending {
        var id: Int
        var input: Input
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        /// The waiters of the batch running now, by request id.
        var inBatch: [Int: CheckedContinuation<Output, any Error>] = [:]
        /// Requests cancelled before they were queued.
        var cancelledEarly: Set<Int> = []
        var nextID = 0
        var running = false
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let linger: Duration
    private let execute: @Sendable ([Input]) async throws -> [Output]
    private let abandoned: (@Sendable () -> Void)?

    /// - Parameters:
    ///   - linger: how long a batch waits for company before it runs; zero (the default) runs
    ///     at once. Worth a few milliseconds when each call costs the same whatever its size.
    ///   - abandoned: told when every waiter of the running batch has been cancelled, so the
    ///     batch's work can be cancelled too (a database statement, say).
    ///   - execute: runs one batch; must return one output per input, in order.
    public init(maxBatch: Int, linger: Duration = .zero, abandoned: (@Sendable () -> Void)? = nil,
                execute: @escaping @Sendable ([Input]) async throws -> [Output]) {
        self.maxBatch = max(1, maxBatch)
        self.linger = linger
        self.abandoned = abandoned
        self.execute = execute
    }

    /// Submits one request and waits for its result.
    ///
    /// Cancelling the waiting task ends the wait at once with `CancellationError`: a request not
    /// yet sent is dropped, and one in a running batch no longer waits for it (the batch still
    /// finishes; its result for this request is discarded). Shutdown is never held up by a
    /// dependency that does not answer.
    public func submit(_ input: Input) async throws -> Output {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (start, cancelled) = state.withLock { state -> (Bool, Bool) in
                    if state.cancelledEarly.remove(id) != nil { return (false, true) }
                    state.pending.append(Pending(id: id, input: input, continuation: continuation))
                    guard !state.running else { return (false, false) }
                    state.running = true
                    return (true, false)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                if start { Task { await drain() } }
            }
        } onCancel: {
            let (waiter, batchAbandoned) = state.withLock { state -> (CheckedContinuation<Output, any Error>?, Bool) in
                if let index = state.pending.firstIndex(where: { $0.id == id }) { return (state.pending.remove(at: index).continuation, false) }
                if let waiter = state.inBatch.removeValue(forKey: id) { return (waiter, state.inBatch.isEmpty) }
                // Not queued yet; or answered a moment ago, and then this one entry is never looked at
                // again (a cancellation races an answer only at shutdown, so these stay few).
                state.cancelledEarly.insert(id)
                return (nil, false)
            }
            waiter?.resume(throwing: CancellationError())
            if batchAbandoned { abandoned?() }
        }
    }

    private func drain() async {
        while true {
            if linger > .zero, state.withLock({ $0.pending.count < maxBatch }) { try? await Task.sleep(for: linger) }
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                for pending in batch { state.inBatch[pending.id] = pending.continuation }
                if batch.isEmpty { state.running = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let result: Result<[Output], any Error>
            do {
                result = .success(try await execute(batch.map(\.input)))
            } catch {
                result = .failure(error)
            }
            if case .success(let outputs) = result {
                precondition(outputs.count == batch.count, "a batch must return one output per input")
            }
            // Waiters cancelled meanwhile are gone from inBatch: their answers are dropped.
            let waiters = state.withLock { state in batch.map { state.inBatch.removeValue(forKey: $0.id) } }
            for (index, waiter) in waiters.enumerated() {
                guard let waiter else { continue }
                switch result {
                case .success(let outputs): waiter.resume(returning: outputs[index])
                case .failure(let error): waiter.resume(throwing: error)
                }
            }
        }
    }
}
