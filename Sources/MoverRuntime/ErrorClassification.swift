public import AWS
public import CurlHTTP
public import MoverCore
public import Postgres

extension S3Error: ClassifiedError {
    public var failureClass: FailureClass { isThrottling ? .throttled : (isRetryable ? .transient : .permanent) }
    public var failureCode: String { code }
}

extension SQSError: ClassifiedError {
    public var failureClass: FailureClass { isThrottling ? .throttled : (isRetryable ? .transient : .permanent) }
    public var failureCode: String { code }
}

extension HTTPClientError: ClassifiedError {
    public var failureClass: FailureClass { isTransient ? .transient : .permanent }
    public var failureCode: String { curlCode.map { "CURLcode \($0)" } ?? "\(code)" }
}

extension PostgresError: ClassifiedError {
    public var failureClass: FailureClass { isTransient ? .transient : .permanent }
    public var failureCode: String { sqlState.map { "SQLSTATE \($0)" } ?? "\(code)" }
}

extension XMLParseError: ClassifiedError {
    /// An answer that is not XML: a server that does not implement the operation, most often.
    /// (A truncated transfer is a transport error, caught by libcurl.)
    public var failureClass: FailureClass { .permanent }
    public var failureCode: String { "InvalidXML" }
}

extension CredentialError: ClassifiedError {
    /// Unreachable credential endpoints and 5xx answers are outages; a refused role is not.
    public var failureClass: FailureClass { isTransient ? .transient : .permanent }
    public var failureCode: String { code }
}
