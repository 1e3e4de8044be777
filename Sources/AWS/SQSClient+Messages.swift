import StrictJSON

/// A message as `ReceiveMessage` returns it.
public struct SQSMessage: Sendable, Hashable {
    public var messageId: String
    public var receiptHandle: String
    public var body: String
    /// System attributes such as `ApproximateReceiveCount`.
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

    /// `ReceiveMessage`: long-polls for up to `waitSeconds` (0–20) and returns up to
    /// `maxMessages` (1–10) messages with their `ApproximateReceiveCount`.
    public func receiveMessages(
        queueURL: String, maxMessages: Int = 10, waitSeconds: Int = 20, visibilityTimeout: Int? = nil
    ) async throws -> [SQSMessage] {
        let input = ReceiveInput(
            QueueUrl: queueURL, MaxNumberOfMessages: min(max(maxMessages, 1), 10), WaitTimeSeconds: min(max(waitSeconds, 0), 20),
            VisibilityTimeout: visibilityTimeout,
            AttributeNames: ["ApproximateReceiveCount"], MessageSystemAttributeNames: ["ApproximateReceiveCount"])
        // The long poll itself plus a margin for the answer.
        return try await call("ReceiveMessage", input, timeout: .seconds(waitSeconds + 15), reading: Self.messages(in:))
    }

    /// The messages of a `ReceiveMessage` answer; nil when it is not the documented shape.
    static func messages(in answer: JSONValue) -> [SQSMessage]? {
        guard answer.object != nil else { return nil }
        guard let list = answer["Messages"] else { return [] }
        guard let items = list.array else { return nil }
        var messages: [SQSMessage] = []
        for item in items {
            guard let id = item["MessageId"]?.string, let handle = item["ReceiptHandle"]?.string,
                  let body = item["Body"]?.string else { return nil }
            let attributes = item["Attributes"]?.object?.compactMapValues(\.string) ?? [:]
            messages.append(SQSMessage(messageId: id, receiptHandle: handle, body: body, attributes: attributes))
        }
        return messages
    }

    private struct DeleteBatchInput: Encodable {
        struct Entry: Encodable { var Id: String; var ReceiptHandle: String }
        var QueueUrl: String
        var Entries: [Entry]
    }

    /// `DeleteMessageBatch` for up to 10 `(id, receiptHandle)` entries. Returns the entries SQS
    /// reported as failed; an empty array means all were deleted.
    public func deleteMessageBatch(queueURL: String, entries: [(id: String, receiptHandle: String)]) async throws -> [SQSBatchFailure] {
        precondition(entries.count <= 10, "DeleteMessageBatch takes at most 10 entries")
        guard !entries.isEmpty else { return [] }
        return try await call(
            "DeleteMessageBatch",
            DeleteBatchInput(QueueUrl: queueURL, Entries: entries.map { .init(Id: $0.id, ReceiptHandle: $0.receiptHandle) }),
            reading: Self.batchFailures(in:))
    }

    /// The `Failed` entries of a batch answer; nil when it is not the documented shape.
    static func batchFailures(in answer: JSONValue) -> [SQSBatchFailure]? {
        guard answer.object != nil else { return nil }
        var failures: [SQSBatchFailure] = []
        for item in answer["Failed"]?.array ?? [] {
            guard let id = item["Id"]?.string, let code = item["Code"]?.string else { return nil }
            var senderFault = false
            if case .bool(let fault) = item["SenderFault"] { senderFault = fault }
            failures.append(SQSBatchFailure(id: id, code: AWSErrorCode.validated(code), message: item["Message"]?.string ?? "", senderFault: senderFault))
        }
        return failures
    }

    private struct ChangeVisibilityInput: Encodable {
        var QueueUrl: String
        var ReceiptHandle: String
        var VisibilityTimeout: Int
    }

    /// `ChangeMessageVisibility`: `0` makes the message visible again at once.
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, visibilityTimeout: Int,
                                        timeout: Duration? = nil) async throws {
        _ = try await call(
            "ChangeMessageVisibility",
            ChangeVisibilityInput(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeout),
            as: EmptyOutput.self, timeout: timeout)
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
        return try await call(
            "ChangeMessageVisibilityBatch",
            ChangeVisibilityBatchInput(QueueUrl: queueURL, Entries: entries.map {
                .init(Id: $0.id, ReceiptHandle: $0.receiptHandle, VisibilityTimeout: visibilityTimeout)
            }),
            reading: Self.batchFailures(in:))
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
        return try await call(
            "SendMessageBatch",
            SendBatchInput(QueueUrl: queueURL, Entries: entries.map { .init(Id: $0.id, MessageBody: $0.body) }),
            reading: Self.batchFailures(in:))
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
