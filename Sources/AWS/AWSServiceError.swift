/// Which AWS service answered, for ``AWSServiceError``'s description.
public protocol AWSService: Sendable, Hashable {
    /// `S3`, `SQS`.
    static var name: String { get }
}

/// Simple Storage Service.
public enum S3Service: AWSService {
    public static let name = "S3"
}

/// Simple Queue Service.
public enum SQSService: AWSService {
    public static let name = "SQS"
}

/// An error answer from an AWS service: its code, HTTP status, message and request id. One type
/// for every service (``S3Error``, ``SQSError``), so that each is described, classified and
/// counted the same way.
public struct AWSServiceError<Service: AWSService>: Error, Sendable, Hashable, CustomStringConvertible {
    /// The service's error code (`NoSuchKey`, `SlowDown`, `AWS.SimpleQueueService.NonExistentQueue`,
    /// `ThrottlingException`), in ``AWSErrorCode``'s grammar (``AWSErrorCode/invalid``
    /// otherwise). For bodiless answers (HEAD) a code is derived from the status: `NotFound`,
    /// `Forbidden`, `HTTP<status>`. How an answer is retried is the retry table's call
    /// (`MoverCore.RetryTable`), not this type's.
    public var code: String
    /// The HTTP status.
    public var status: Int
    /// The service's message.
    public var message: String
    /// `x-amz-request-id`, for AWS support.
    public var requestId: String?
    /// The operation that failed, e.g. `CopyObject`, `ReceiveMessage`.
    public var operation: String
    /// The bucket and key involved, when there is one.
    public var resource: String?

    public init(code: String, status: Int, message: String, requestId: String? = nil, operation: String, resource: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.requestId = requestId
        self.operation = operation
        self.resource = resource
    }

    public var description: String {
        var text = "\(Service.name) \(operation) failed: \(code) (HTTP \(status))"
        if let resource { text += " on \(resource)" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " [request id \(requestId)]" }
        return text
    }
}

/// An error answer from S3.
public typealias S3Error = AWSServiceError<S3Service>

/// An error answer from SQS.
public typealias SQSError = AWSServiceError<SQSService>
