/// An error answer from SQS: its code (e.g. `AWS.SimpleQueueService.NonExistentQueue`,
/// `ThrottlingException`), HTTP status and request id.
public struct SQSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// SQS's error code, in ``AWSErrorCode``'s grammar (``AWSErrorCode/invalid`` otherwise).
    /// How an answer is retried is the retry table's call (`MoverCore.RetryTable`).
    public var code: String
    public var status: Int
    public var message: String
    public var requestId: String?
    /// The operation that failed, e.g. `ReceiveMessage`.
    public var operation: String

    public init(code: String, status: Int, message: String, requestId: String? = nil, operation: String) {
        self.code = code
        self.status = status
        self.message = message
        self.requestId = requestId
        self.operation = operation
    }

    public var description: String {
        var text = "SQS \(operation) failed: \(code) (HTTP \(status))"
        if !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " [request id \(requestId)]" }
        return text
    }
}
