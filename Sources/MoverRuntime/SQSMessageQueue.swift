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

    public func delete(_ messages: [QueueMessage]) async throws -> [QueueMessage] {
        var byID: [String: QueueMessage] = [:]
        let entries = messages.enumerated().map { index, message in
            let id = "m\(index)"
            byID[id] = message
            return (id: id, receiptHandle: message.receiptHandle)
        }
        let failures = try await client.deleteMessageBatch(queueURL: queueURL, entries: entries)
        // An expired or stale receipt handle cannot succeed on retry: the message will come back.
        return failures.filter { !$0.senderFault || $0.code.contains("Throttl") }.compactMap { byID[$0.id] }
    }

    public func release(_ message: QueueMessage) async throws {
        try await client.changeMessageVisibility(queueURL: queueURL, receiptHandle: message.receiptHandle, visibilityTimeout: 0)
    }

    public func extendVisibility(_ messages: [QueueMessage], seconds: Int) async throws {
        let entries = messages.enumerated().map { (id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle) }
        _ = try await client.changeMessageVisibilityBatch(queueURL: queueURL, entries: entries, visibilityTimeout: seconds)
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
