import Synchronization

/// Turns many concurrent single requests into few batched calls, without adding delay.
///
/// The first request starts a batch at once; requests that arrive while a batch is running wait
/// and go together in the next one (up to `maxBatch`). Under light load every request runs
/// alone and immediately; under heavy load batches grow to match the load.
///
/// No task of its own: each batch runs in the task of its first request, which hands the next
/// batch on to the first request still waiting when it has its answer. Every call is therefore
/// awaited by a caller, and there is nothing to start, stop or forget.
public final class Coalescer<Input: Sendable, Output: Sendable>: Sendable {
    /// What wakes a waiting request.
    private enum Wake: Sendable {
        /// Its batch ran; this is its answer.
        case answered(Result<Output, any Error>)
        /// It is first in line: it runs the next batch.
        case lead
    }

    private struct Pending {
        var id: Int
        var input: Input
    }

    private struct State {
        /// Requests not yet in a batch, oldest first.
        var pending: [Pending] = []
        /// The suspended requests, pending or in a running batch, by id. A request that leads is
        /// not here: it is running its batch.
        var waiters: [Int: CheckedContinuation<Wake, any Error>] = [:]
        /// Requests cancelled before they were queued.
        var cancelledEarly: Set<Int> = []
        var nextID = 0
        /// Whether a request is leading (running, or about to run, a batch).
        var leading = false
        /// The request leading now, once it is known.
        var leader: Int?
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let linger: Duration
    private let execute: @Sendable ([Input]) async throws -> [Output]

    /// - Parameters:
    ///   - linger: how long a batch waits for company before it runs; zero (the default) runs
    ///     at once. Worth a few milliseconds when each call costs the same whatever its size.
    ///   - execute: runs one batch; must return one output per input, in order. It runs in the
    ///     task of the batch's first request, and is cancelled with it.
    public init(maxBatch: Int, linger: Duration = .zero, execute: @escaping @Sendable ([Input]) async throws -> [Output]) {
        self.maxBatch = max(1, maxBatch)
        self.linger = linger
        self.execute = execute
    }

    /// Submits one request and waits for its result.
    ///
    /// Cancelling a waiting task ends its wait at once with `CancellationError`: a request not
    /// yet sent is dropped, and one in a batch that another request runs no longer waits for it.
    /// Cancelling the task that runs a batch cancels the batch's call (a database statement, a
    /// request), and its other requests get that call's error: at shutdown, when this happens,
    /// they are cancelled too.
    public func submit(_ input: Input) async throws -> Output {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let wake: Wake = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (cancelled, lead) = state.withLock { state -> (Bool, Bool) in
                    if state.cancelledEarly.remove(id) != nil { return (true, false) }
                    state.pending.append(Pending(id: id, input: input))
                    guard !state.leading else {
                        state.waiters[id] = continuation
                        return (false, false)
                    }
                    state.leading = true
                    state.leader = id
                    return (false, true)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                if lead { continuation.resume(returning: .lead) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Wake, any Error>? in
                if let waiter = state.waiters.removeValue(forKey: id) {
                    state.pending.removeAll { $0.id == id }
                    return waiter
                }
                // Leading: it sees its own cancellation. Otherwise answered a moment ago, or not
                // queued yet; only the last is looked at again (this races an answer only at
                // shutdown, so these entries stay few).
                if state.leader != id { state.cancelledEarly.insert(id) }
                return nil
            }
            waiter?.resume(throwing: CancellationError())
        }
        switch wake {
        case .answered(let result): return try result.get()
        case .lead: return try await lead(id)
        }
    }

    /// Runs the batch that starts with request `id` (first in line), answers its other requests,
    /// and hands the lead to the next request waiting.
    private func lead(_ id: Int) async throws -> Output {
        defer { handOver() }
        if linger > .zero, !Task.isCancelled, state.withLock({ $0.pending.count < maxBatch }) {
            try? await Task.sleep(for: linger)
        }
        guard !Task.isCancelled else {
            // Cancelled before it ran: the others wait for the next leader instead.
            state.withLock { $0.pending.removeAll { $0.id == id } }
            throw CancellationError()
        }
        let batch = state.withLock { state -> [Pending] in
            let batch = Array(state.pending.prefix(maxBatch))
            state.pending.removeFirst(batch.count)
            return batch
        }
        precondition(batch.first?.id == id, "the leading request is first in line")
        let result: Result<[Output], any Error>
        do {
            result = .success(try await execute(batch.map(\.input)))
        } catch {
            result = .failure(error)
        }
        if case .success(let outputs) = result {
            precondition(outputs.count == batch.count, "a batch must return one output per input")
        }
        // Waiters cancelled meanwhile are gone: their answers are dropped.
        let waiters = state.withLock { state in batch.dropFirst().map { state.waiters.removeValue(forKey: $0.id) } }
        for (index, waiter) in waiters.enumerated() {
            waiter?.resume(returning: .answered(result.map { $0[index + 1] }))
        }
        try Task.checkCancellation()
        return try result.get()[0]
    }

    /// Wakes the first request still waiting to lead the next batch, or ends the lead.
    private func handOver() {
        let next = state.withLock { state -> CheckedContinuation<Wake, any Error>? in
            while let first = state.pending.first {
                if let waiter = state.waiters.removeValue(forKey: first.id) {
                    state.leader = first.id
                    return waiter
                }
                state.pending.removeFirst()  // cancelled meanwhile
            }
            state.leading = false
            state.leader = nil
            return nil
        }
        next?.resume(returning: .lead)
    }
}
