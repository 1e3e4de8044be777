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

/// The queue as the worker needs it.
public protocol MessageQueue: Sendable {
    /// Long-polls for up to `maxMessages` (at most 10) messages.
    func receive(maxMessages: Int, waitSeconds: Int) async throws -> [QueueMessage]
    /// Deletes `messages` (at most 10); returns those that could not be deleted.
    func delete(_ messages: [QueueMessage]) async throws -> [QueueMessage]
    /// Makes `message` visible to other consumers at once.
    func release(_ message: QueueMessage) async throws
    /// True when no message is waiting, in flight or delayed.
    func isEmpty() async throws -> Bool
    /// Keeps `messages` (at most 10) invisible for `seconds` more, so no other consumer sees them
    /// while they are in progress.
    func extendVisibility(_ messages: [QueueMessage], seconds: Int) async throws
    /// The queue's visibility timeout in seconds.
    func visibilityTimeout() async throws -> Int
}
