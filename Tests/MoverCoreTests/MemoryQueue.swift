import TestSupport
import MoverCore
import Synchronization

/// An in-memory queue with SQS's visibility semantics reduced to "in flight until deleted or released".
final class MemoryQueue: MessageQueue {
    struct State {
        var visible: [QueueMessage] = []
        var inFlight: [String: QueueMessage] = [:]
        var deleted: [String] = []
        var receiveFailures = 0
        var failDeletesOf: Set<String> = []
        /// Messages whose receipt handle SQS no longer accepts (a sender fault: retrying is useless).
        var staleReceipts: Set<String> = []
        var receives = 0
        /// `maxMessages` of every receive, in order.
        var requested: [Int] = []
        /// `waitSeconds` of every receive, in order.
        var waits: [Int] = []
        var extensions = 0
        /// `DeleteMessageBatch` calls per message id.
        var deleteAttempts: [String: Int] = [:]
    }

    let state = Mutex(State())

    init(bodies: [String]) {
        state.withLock { state in
            state.visible = bodies.enumerated().map { QueueMessage(id: "m\($0.offset)", receiptHandle: "r\($0.offset)", body: $0.element) }
        }
    }

    /// Honours `waitSeconds` as SQS does: an empty queue answers after the wait (or as soon as a
    /// message becomes visible), and a short poll answers at once.
    func receive(maxMessages: Int, waitSeconds: Int) async throws -> [QueueMessage] {
        let deadline = ContinuousClock.now + .seconds(waitSeconds)
        try state.withLock { state in
            state.receives += 1
            state.requested.append(maxMessages)
            state.waits.append(waitSeconds)
            if state.receiveFailures > 0 {
                state.receiveFailures -= 1
                throw TestError.transient
            }
        }
        do {
            return try await waitForValue("a visible message", timeout: deadline - .now, every: .milliseconds(10)) {
                let batch = take(maxMessages: maxMessages)
                return batch.isEmpty ? nil : batch
            }
        } catch is WaitTimedOut {
            return []  // the long poll ended empty
        }
    }

    private func take(maxMessages: Int) -> [QueueMessage] {
        state.withLock { state -> [QueueMessage] in
            let batch = Array(state.visible.prefix(maxMessages)).map { message -> QueueMessage in
                var copy = message
                copy.receiveCount += 1
                return copy
            }
            state.visible.removeFirst(batch.count)
            for message in batch { state.inFlight[message.id] = message }
            return batch
        }
    }

    func delete(_ messages: [QueueMessage]) async throws -> [QueueEntryFailure] {
        state.withLock { state in
            var failed: [QueueEntryFailure] = []
            for message in messages {
                state.deleteAttempts[message.id, default: 0] += 1
                if state.failDeletesOf.contains(message.id) {
                    failed.append(QueueEntryFailure(message: message, code: "InternalError", isRetryable: true))
                } else if state.staleReceipts.contains(message.id) {
                    failed.append(QueueEntryFailure(message: message, code: "ReceiptHandleIsInvalid", isRetryable: false))
                } else {
                    state.inFlight[message.id] = nil
                    state.deleted.append(message.id)
                }
            }
            return failed
        }
    }

    func release(_ message: QueueMessage) async throws {
        state.withLock { state in
            if let message = state.inFlight.removeValue(forKey: message.id) { state.visible.append(message) }
        }
    }

    func isEmpty() async throws -> Bool {
        state.withLock { $0.visible.isEmpty && $0.inFlight.isEmpty }
    }

    func extendVisibility(_ messages: [QueueMessage], seconds: Int) async throws -> [QueueEntryFailure] {
        state.withLock { state in
            state.extensions += 1
            return messages.filter { state.staleReceipts.contains($0.id) }
                .map { QueueEntryFailure(message: $0, code: "ReceiptHandleIsInvalid", isRetryable: false) }
        }
    }

    func visibilityTimeout() async throws -> Int { 1 }

    /// Simulates the visibility timeout expiring for every in-flight message.
    func expireVisibility() {
        state.withLock { state in
            state.visible += state.inFlight.values.sorted { $0.id < $1.id }
            state.inFlight = [:]
        }
    }
}
