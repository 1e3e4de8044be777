/// One `DeleteMessageBatch` of finished messages as a pure state machine: the deleter asks what
/// to do next (``next()``), does it, and reports the answer; the machine decides which entries
/// are tried again (the queue's own faults and throttling, up to ``maxAttempts`` calls) and
/// which are given up to redelivery (a stale receipt handle fails again however often it is sent).
struct DeletionAttempts: Sendable {
    /// Calls in all, the first included.
    static let maxAttempts = 3

    private(set) var remaining: [QueueMessage]
    /// Entries the queue refused for good.
    private(set) var refused: [QueueEntryFailure] = []
    private(set) var attempts = 0
    private let total: Int

    init(_ messages: [QueueMessage]) {
        remaining = messages
        total = messages.count
    }

    enum Next: Sendable, Hashable {
        /// Send these to `DeleteMessageBatch`, after pausing this long.
        case delete([QueueMessage], after: Duration)
        /// Nothing more to try: `deleted` went, `undeleted` will be redelivered (harmless: the
        /// handler is idempotent), with the codes the queue gave for the refused ones.
        case done(deleted: Int, undeleted: [QueueMessage], codes: [String])
    }

    func next() -> Next {
        guard !remaining.isEmpty, attempts < Self.maxAttempts else {
            let undeleted = remaining + refused.map(\.message)
            return .done(deleted: total - undeleted.count, undeleted: undeleted, codes: Set(refused.map(\.code)).sorted())
        }
        return .delete(remaining, after: attempts == 0 ? .zero : .milliseconds(100 * attempts))
    }

    /// The call answered: these entries failed (none: all deleted).
    mutating func answered(_ failures: [QueueEntryFailure]) {
        attempts += 1
        refused += failures.filter { !$0.isRetryable }
        remaining = failures.filter(\.isRetryable).map(\.message)
    }

    /// The call itself failed: every entry is tried again.
    mutating func callFailed() {
        attempts += 1
    }
}
