public import AWS
public import MoverCore

/// The worker's queue: one SQS queue.
public struct SQSMessageQueue: MessageQueue {
    public let client: SQSClient
    public let queueURL: String

    public init(client: SQSClient, queueURL: String) {
        self.client = client
        self.queueURL = queueURL
    }

    public func receive(maxMessages: Int, waitSeconds: Int) async throws -> [QueueMessage] {
        try await client.receiveMessages(queueURL: queueURL, maxMessages: maxMessages, waitSeconds: waitSeconds).map {
            QueueMessage(id: $0.messageId, receiptHandle: $0.receiptHandle, body: $0.body, receiveCount: $0.receiveCount)
        }
    }

    public func delete(_ messages: [QueueMessage]) async throws -> [QueueEntryFailure] {
        let failures = try await client.deleteMessageBatch(queueURL: queueURL, entries: Self.entries(messages))
        return Self.entryFailures(failures, of: messages)
    }

    /// Batch entries named by position (`m0`…`m9`).
    private static func entries(_ messages: [QueueMessage]) -> [(id: String, receiptHandle: String)] {
        messages.enumerated().map { (id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle) }
    }

    /// SQS's failed entries, mapped back to their messages. An expired or stale receipt handle
    /// (a sender fault) cannot succeed on retry: the message will come back instead.
    private static func entryFailures(_ failures: [SQSBatchFailure], of messages: [QueueMessage]) -> [QueueEntryFailure] {
        failures.compactMap { failure in
            guard failure.id.hasPrefix("m"), let index = Int(failure.id.dropFirst()), messages.indices.contains(index) else { return nil }
            return QueueEntryFailure(message: messages[index], code: failure.code,
                                     isRetryable: !failure.senderFault || RetryTable.classify(code: failure.code, status: 0) == .throttled)
        }
    }

    public func release(_ message: QueueMessage) async throws {
        // Made at shutdown, after the grace period: a queue that does not answer may not hold the exit.
        try await client.changeMessageVisibility(queueURL: queueURL, receiptHandle: message.receiptHandle, visibilityTimeout: 0,
                                                 timeout: .seconds(5))
    }

    public func extendVisibility(_ messages: [QueueMessage], seconds: Int) async throws -> [QueueEntryFailure] {
        let failures = try await client.changeMessageVisibilityBatch(queueURL: queueURL, entries: Self.entries(messages),
                                                                     visibilityTimeout: seconds)
        return Self.entryFailures(failures, of: messages)
    }

    public func visibilityTimeout() async throws -> Int {
        let attributes = try await client.queueAttributes(queueURL: queueURL, names: ["VisibilityTimeout"])
        return Int(attributes["VisibilityTimeout"] ?? "") ?? 30
    }

    public func isEmpty() async throws -> Bool {
        let attributes = try await client.queueAttributes(queueURL: queueURL, names: [
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        ])
        return ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
            .allSatisfy { (Int(attributes[$0] ?? "0") ?? 0) == 0 }
    }
}
