import Synchronization

/// Turns many concurrent single requests into few batched calls, without adding delay.
///
/// The first request starts a batch at once; requests that arrive while a batch is running wait
/// and go together in the next one (up to `maxBatch`). Under light load every request runs
/// alone and immediately; under heavy load batches grow to match the load.
public final class Coalescer<Input: Sendable, Output: Sendable>: Sendable {
    private struct Pending {
        var input: Input
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var running = false
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let linger: Duration
    private let execute: @Sendable ([Input]) async throws -> [Output]

    /// - Parameters:
    ///   - linger: how long a batch waits for company before it runs; zero (the default) runs
    ///     at once. Worth a few milliseconds when each call costs the same whatever its size.
    ///   - execute: runs one batch; must return one output per input, in order.
    public init(maxBatch: Int, linger: Duration = .zero, execute: @escaping @Sendable ([Input]) async throws -> [Output]) {
        self.maxBatch = max(1, maxBatch)
        self.linger = linger
        self.execute = execute
    }

    /// Submits one request and waits for its result.
    public func submit(_ input: Input) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.pending.append(Pending(input: input, continuation: continuation))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if start { Task { await drain() } }
        }
    }

    private func drain() async {
        while true {
            if linger > .zero, state.withLock({ $0.pending.count < maxBatch }) { try? await Task.sleep(for: linger) }
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.running = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let outputs = try await execute(batch.map(\.input))
                precondition(outputs.count == batch.count, "a batch must return one output per input")
                for (pending, output) in zip(batch, outputs) { pending.continuation.resume(returning: output) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }
}
