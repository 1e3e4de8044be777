/// A message as `ReceiveMessage` returns it.
public struct SQSMessage: Sendable, Hashable {
    public var messageId: String
    public var receiptHandle: String
    public var body: String
    /// System attributes such as `ApproximateReceiveCount` and `SentTimestamp`.
    public var attributes: [String: String]

    public init(messageId: String, receiptHandle: String, body: String, attributes: [String: String] = [:]) {
        self.messageId = messageId
        self.receiptHandle = receiptHandle
        self.body = body
        self.attributes = attributes
    }

    /// How many times the message has been received, this time included.
    public var receiveCount: Int { Int(attributes["ApproximateReceiveCount"] ?? "") ?? 1 }
}

/// One entry that `DeleteMessageBatch` or `SendMessageBatch` could not process.
public struct SQSBatchFailure: Sendable, Hashable {
    public var id: String
    public var code: String
    public var message: String
    /// True when the caller was at fault (retrying will not help).
    public var senderFault: Bool
}

extension SQSClient {
    private struct ReceiveInput: Encodable {
        var QueueUrl: String
        var MaxNumberOfMessages: Int
        var WaitTimeSeconds: Int
        var VisibilityTimeout: Int?
        var AttributeNames: [String]
        var MessageSystemAttributeNames: [String]
    }

    private struct ReceiveOutput: Decodable {
        struct Message: Decodable {
            var MessageId: String
            var ReceiptHandle: String
            var Body: String
            var Attributes: [String: String]?
        }
        var Messages: [Message]?
    }

    /// `ReceiveMessage`: long-polls for up to `waitSeconds` (0–20) and returns up to
    /// `maxMessages` (1–10) messages with `ApproximateReceiveCount` and `SentTimestamp`.
    public func receiveMessages(
        queueURL: String, maxMessages: Int = 10, waitSeconds: Int = 20, visibilityTimeout: Int? = nil
    ) async throws -> [SQSMessage] {
        let input = ReceiveInput(
            QueueUrl: queueURL, MaxNumberOfMessages: min(max(maxMessages, 1), 10), WaitTimeSeconds: min(max(waitSeconds, 0), 20),
            VisibilityTimeout: visibilityTimeout,
            AttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"])
        // The long poll itself plus a margin for the answer.
        let output = try await call("ReceiveMessage", input, as: ReceiveOutput.self, timeout: .seconds(waitSeconds + 15))
        return (output.Messages ?? []).map {
            SQSMessage(messageId: $0.MessageId, receiptHandle: $0.ReceiptHandle, body: $0.Body, attributes: $0.Attributes ?? [:])
        }
    }

    private struct DeleteBatchInput: Encodable {
        struct Entry: Encodable { var Id: String; var ReceiptHandle: String }
        var QueueUrl: String
        var Entries: [Entry]
    }

    private struct BatchOutput: Decodable {
        struct Failed: Decodable { var Id: String; var Code: String; var Message: String?; var SenderFault: Bool? }
        struct Success: Decodable { var Id: String }
        var Successful: [Success]?
        var Failed: [Failed]?

        var failures: [SQSBatchFailure] {
            (self.Failed ?? []).map { SQSBatchFailure(id: $0.Id, code: $0.Code, message: $0.Message ?? "", senderFault: $0.SenderFault ?? false) }
        }
    }

    /// `DeleteMessageBatch` for up to 10 `(id, receiptHandle)` entries. Returns the entries SQS
    /// reported as failed; an empty array means all were deleted.
    public func deleteMessageBatch(queueURL: String, entries: [(id: String, receiptHandle: String)]) async throws -> [SQSBatchFailure] {
        precondition(entries.count <= 10, "DeleteMessageBatch takes at most 10 entries")
        guard !entries.isEmpty else { return [] }
        let output = try await call(
            "DeleteMessageBatch",
            DeleteBatchInput(QueueUrl: queueURL, Entries: entries.map { .init(Id: $0.id, ReceiptHandle: $0.receiptHandle) }),
            as: BatchOutput.self)
        return output.failures
    }

    private struct ChangeVisibilityInput: Encodable {
        var QueueUrl: String
        var ReceiptHandle: String
        var VisibilityTimeout: Int
    }

    /// `ChangeMessageVisibility`: `0` makes the message visible again at once.
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, visibilityTimeout: Int) async throws {
        _ = try await call(
            "ChangeMessageVisibility",
            ChangeVisibilityInput(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeout),
            as: EmptyOutput.self)
    }

    private struct ChangeVisibilityBatchInput: Encodable {
        struct Entry: Encodable { var Id: String; var ReceiptHandle: String; var VisibilityTimeout: Int }
        var QueueUrl: String
        var Entries: [Entry]
    }

    /// `ChangeMessageVisibilityBatch` for up to 10 `(id, receiptHandle)` entries; returns the failed entries.
    public func changeMessageVisibilityBatch(
        queueURL: String, entries: [(id: String, receiptHandle: String)], visibilityTimeout: Int
    ) async throws -> [SQSBatchFailure] {
        precondition(entries.count <= 10, "ChangeMessageVisibilityBatch takes at most 10 entries")
        guard !entries.isEmpty else { return [] }
        let output = try await call(
            "ChangeMessageVisibilityBatch",
            ChangeVisibilityBatchInput(QueueUrl: queueURL, Entries: entries.map {
                .init(Id: $0.id, ReceiptHandle: $0.receiptHandle, VisibilityTimeout: visibilityTimeout)
            }),
            as: BatchOutput.self)
        return output.failures
    }

    private struct AttributesInput: Encodable {
        var QueueUrl: String
        var AttributeNames: [String]
    }

    private struct AttributesOutput: Decodable {
        var Attributes: [String: String]?
    }

    /// `GetQueueAttributes` for `names` (default: all).
    public func queueAttributes(queueURL: String, names: [String] = ["All"]) async throws -> [String: String] {
        try await call("GetQueueAttributes", AttributesInput(QueueUrl: queueURL, AttributeNames: names), as: AttributesOutput.self)
            .Attributes ?? [:]
    }

    private struct SendInput: Encodable {
        var QueueUrl: String
        var MessageBody: String
    }

    private struct SendOutput: Decodable { var MessageId: String }

    /// `SendMessage`; returns the message id.
    @discardableResult
    public func sendMessage(queueURL: String, body: String) async throws -> String {
        try await call("SendMessage", SendInput(QueueUrl: queueURL, MessageBody: body), as: SendOutput.self).MessageId
    }

    private struct SendBatchInput: Encodable {
        struct Entry: Encodable { var Id: String; var MessageBody: String }
        var QueueUrl: String
        var Entries: [Entry]
    }

    /// `SendMessageBatch` for up to 10 `(id, body)` entries; returns the failed entries.
    public func sendMessageBatch(queueURL: String, entries: [(id: String, body: String)]) async throws -> [SQSBatchFailure] {
        precondition(entries.count <= 10, "SendMessageBatch takes at most 10 entries")
        guard !entries.isEmpty else { return [] }
        let output = try await call(
            "SendMessageBatch",
            SendBatchInput(QueueUrl: queueURL, Entries: entries.map { .init(Id: $0.id, MessageBody: $0.body) }),
            as: BatchOutput.self)
        return output.failures
    }

    private struct CreateQueueInput: Encodable {
        var QueueName: String
        var Attributes: [String: String]?
    }

    private struct CreateQueueOutput: Decodable { var QueueUrl: String }

    /// `CreateQueue`; returns the queue URL.
    public func createQueue(name: String, attributes: [String: String] = [:]) async throws -> String {
        try await call("CreateQueue", CreateQueueInput(QueueName: name, Attributes: attributes.isEmpty ? nil : attributes),
                       as: CreateQueueOutput.self).QueueUrl
    }
}
