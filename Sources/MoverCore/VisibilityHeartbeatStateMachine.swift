/// One batch's visibility heartbeat as a pure state machine: the heartbeat tells it what happened
/// (a message settled, an extension answered or failed) and does what it answers (extend these
/// messages, wait this long, stop). Like ``ReceiveLoopStateMachine`` it holds no clock, no queue
/// and no task, so every path is tested without a network, a sleep or a spin.
///
/// Its rules:
/// - every message still in progress is extended every third of the visibility timeout (taken
///   as at least one second), by the timeout again;
/// - a settled message is not extended again; with none left, the heartbeat stops;
/// - a refused entry of a message settled meanwhile is no failure (its delete invalidated the
///   receipt handle);
/// - a refused entry that would fail again (an invalid receipt handle, a message no longer in
///   flight) means the message is no longer ours to keep: it is reported once and not extended
///   again; a retryable one is reported and extended again sooner;
/// - a failed call is tried again sooner too: 500 ms doubling, never later than the regular pause.
struct VisibilityHeartbeatStateMachine: Sendable {
    /// The queue's visibility timeout (seconds): each extension asks for that much again.
    let visibility: Int
    /// The regular pause between extensions.
    let interval: Duration
    /// The messages in progress and still extended, in their batch's order.
    private(set) var extending: [QueueMessage]
    /// Calls or entries that failed in a row (they set the sooner retry).
    private(set) var failuresInARow = 0

    /// The pauses before trying again after a failure (capped by ``interval``).
    static let retryBackoff = Backoff(initial: .milliseconds(500), cap: .seconds(20), jitter: 1...1)

    init(_ messages: [QueueMessage], visibility: Int) {
        self.visibility = max(1, visibility)
        interval = .seconds(self.visibility) / 3
        extending = messages
    }

    /// What the heartbeat does next.
    enum Next: Sendable, Hashable {
        /// Extend these messages' visibility by `seconds`, then report with ``extended(failures:)``
        /// or ``extensionFailed()``.
        case extend([QueueMessage], seconds: Int)
        /// Nothing is in progress any more.
        case stop
    }

    /// The pause before the first extension.
    var firstPause: Duration { interval }

    /// Called after each pause.
    func next() -> Next {
        extending.isEmpty ? .stop : .extend(extending, seconds: visibility)
    }

    /// `message` is done (deleted or left for redelivery): it is not extended again.
    mutating func settled(_ message: QueueMessage) {
        extending.removeAll { $0.receiptHandle == message.receiptHandle }
    }

    /// What an extension's answer means.
    struct AfterExtension: Sendable, Hashable {
        /// Messages in progress whose visibility was not extended: another consumer may receive them.
        var atRisk: [QueueEntryFailure] = []
        /// Of those, the ones that will not be extended again (the refusal would repeat).
        var givenUp: [QueueEntryFailure] = []
        /// The pause before the next extension.
        var pause: Duration
    }

    /// The extension answered, refusing `failures`.
    mutating func extended(failures: [QueueEntryFailure]) -> AfterExtension {
        let inProgress = Set(extending.map(\.receiptHandle))
        let atRisk = failures.filter { inProgress.contains($0.message.receiptHandle) }
        let givenUp = atRisk.filter { !$0.isRetryable }
        let lost = Set(givenUp.map(\.message.receiptHandle))
        extending.removeAll { lost.contains($0.receiptHandle) }
        if atRisk.contains(where: \.isRetryable) {
            failuresInARow += 1
            return AfterExtension(atRisk: atRisk, givenUp: givenUp, pause: retryPause())
        }
        failuresInARow = 0
        return AfterExtension(atRisk: atRisk, givenUp: givenUp, pause: interval)
    }

    /// The extension call failed as a whole: returns the pause before trying again.
    mutating func extensionFailed() -> Duration {
        failuresInARow += 1
        return retryPause()
    }

    private func retryPause() -> Duration {
        min(interval, Self.retryBackoff.delay(attempt: failuresInARow))
    }
}
