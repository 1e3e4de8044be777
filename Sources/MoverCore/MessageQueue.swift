/// A received queue message, as the worker sees it.
public struct QueueMessage: Sendable, Hashable {
    public var id: String
    public var receiptHandle: String
    public var body: String
    /// `ApproximateReceiveCount`: 1 on first delivery.
    public var receiveCount: Int

    public init(id: String, receiptHandle: String, body: String, receiveCount: Int = 1) {
        self.id = id
        self.receiptHandle = receiptHandle
        self.body = body
        self.receiveCount = receiveCount
    }
}

/// One entry of a batch call that the queue refused.
public struct QueueEntryFailure: Sendable, Hashable {
    public var message: QueueMessage
    /// The queue's error code for the entry (`ReceiptHandleIsInvalid`, `InternalError`, ...).
    public var code: String
    /// Whether trying the entry again may succeed: the queue's own faults and throttling. A
    /// sender fault (an expired receipt handle, say) will fail again.
    public var isRetryable: Bool

    public init(message: QueueMessage, code: String, isRetryable: Bool) {
        self.message = message
        self.code = code
        self.isRetryable = isRetryable
    }
}

/// The queue as the worker needs it.
public protocol MessageQueue: Sendable {
    /// Long-polls for up to `maxMessages` (at most 10) messages.
    func receive(maxMessages: Int, waitSeconds: Int) async throws -> [QueueMessage]
    /// Deletes `messages` (at most 10); returns the entries that were not deleted.
    func delete(_ messages: [QueueMessage]) async throws -> [QueueEntryFailure]
    /// Makes `message` visible to other consumers at once.
    func release(_ message: QueueMessage) async throws
    /// True when no message is waiting, in flight or delayed.
    func isEmpty() async throws -> Bool
    /// Keeps `messages` (at most 10) invisible for `seconds` more, so no other consumer sees them
    /// while they are in progress; returns the entries whose visibility was not extended.
    func extendVisibility(_ messages: [QueueMessage], seconds: Int) async throws -> [QueueEntryFailure]
    /// The queue's visibility timeout in seconds.
    func visibilityTimeout() async throws -> Int
}
