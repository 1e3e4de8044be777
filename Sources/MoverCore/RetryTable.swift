/// The one table that says how a failure is retried, keyed by what the failure carries: an
/// S3/SQS error code with its HTTP status, a `CURLcode`, or a SQLSTATE.
///
/// The codes are those of the AWS SDKs' standard retry mode (botocore's `retries/standard.py`),
/// matched exactly: anything the table does not name is permanent. The loops that retry
/// (``RetryPolicy``, ``OutageHold``, ``AdaptiveWindow``) read the class and never a message.
public enum RetryTable {
    /// Answers asking the client to slow down.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
        // SQS: the in-flight limit, and KMS throttling an encrypted queue.
        "OverLimit", "KmsThrottled",
    ]

    /// Answers a retry may turn into success.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
        "InternalError", "InternalFailure", "ServiceUnavailable",
        // A request signed with a clock that has drifted; the retry is signed anew.
        "RequestTimeTooSkewed",
        // S3: a concurrent write to the same key during a conditional request (retry, per S3's docs).
        "ConditionalRequestConflict",
        // A 2xx whose body is not the operation's result (a middlebox's page, a truncated document).
        "InvalidResponse",
    ]

    /// Statuses a retry may turn into success, whatever the code.
    public static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    /// Codes we know to be permanent; listed so that they keep their own metric label.
    public static let permanentCodes: Set<String> = [
        "AccessDenied", "AllAccessDisabled", "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NoSuchVersion", "NotFound", "Forbidden",
        "InvalidRequest", "InvalidArgument", "InvalidObjectState", "InvalidBucketName", "InvalidAccessKeyId", "InvalidToken",
        "ExpiredToken", "SignatureDoesNotMatch", "AuthorizationHeaderMalformed", "PermanentRedirect", "PreconditionFailed",
        "NotImplemented", "EntityTooLarge", "EntityTooSmall", "MethodNotAllowed", "KMS.DisabledException", "KMS.NotFoundException",
        "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "ReceiptHandleIsInvalid", "InvalidParameterValue",
        "InvalidClientTokenId", "MissingParameter", "InvalidAction", "UnsupportedOperation", "MessageNotInflight",
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        "InvalidErrorCode", "InvalidXML",
    ]

    /// The class of a service's error answer.
    public static func classify(code: String, status: Int) -> FailureClass {
        let code = unqualified(code)
        if throttlingCodes.contains(code) || status == 429 { return .throttled }
        if transientCodes.contains(code) || transientStatuses.contains(status) { return .transient }
        return .permanent
    }

    /// The `CURLcode`s of a connection that could not be made or was lost: an outage while they
    /// last. (Other transport failures, TLS or a malformed URL, are permanent.)
    public static let outageCurlCodes: Set<Int> = [
        5, 6, 7,  // could not resolve proxy / host, could not connect
        28,  // timed out
        18, 52, 55, 56,  // partial file, got nothing, send error, receive error
    ]

    /// The SQLSTATE classes and codes after which the statement may succeed again: class 40
    /// (serialization failure, deadlock) is transient; class 08 (connection exception) and
    /// 57P01–57P03 (the server shutting down or starting) are an outage while they last.
    public static func classify(sqlState: String) -> FailureClass {
        if sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState) { return .outage }
        if sqlState.hasPrefix("40") { return .transient }
        return .permanent
    }

    /// A code fit for a metric label or a per-code tally: itself when the table names it or it
    /// has one of the bounded shapes we make ourselves (`HTTP503`, `CURLcode 7`, `SQLSTATE 57P01`),
    /// `other` otherwise. A server that invents a new code for every answer adds one series, not
    /// one per answer.
    public static func boundedCode(_ code: String) -> String {
        let bare = unqualified(code)
        if throttlingCodes.contains(bare) || transientCodes.contains(bare) || permanentCodes.contains(code) { return code }
        if let status = code.dropPrefix("HTTP"), status.count == 3, status.allSatisfy(\.isASCIIDigit) { return code }
        if let number = code.dropPrefix("CURLcode "), (1...3).contains(number.count), number.allSatisfy(\.isASCIIDigit) { return code }
        if let state = code.dropPrefix("SQLSTATE "), state.count == 5, state.allSatisfy({ $0.isASCIIDigit || ("A"..."Z").contains($0) }) {
            return code
        }
        return ownCodes.contains(code) ? code : other
    }

    /// The label of every code ``boundedCode(_:)`` does not keep.
    public static let other = "other"

    /// Codes this program makes itself (never read off the wire), the PostgreSQL and HTTP
    /// clients' own codes (for failures without a SQLSTATE or `CURLcode`) included.
    static let ownCodes: Set<String> = [
        "Cancelled", "CopyNotIdentical", "RowWaitInterrupted", "InvalidConfiguration", "InvalidProfile", "NoCredentials",
        "CredentialsEndpointError", "CredentialsEndpointUnreachable", "InvalidIdentityToken", "STSUnreachable", "TooManyOpenFiles",
        "connection failed", "authentication failed", "connection lost", "statement failed", "client shut down",
        "timed out", "could not connect", "out of file descriptors", "engine shut down", "invalid request", "response too large",
        "transfer failed", "InvalidSetting", "InvalidAWSSetting", "InvalidManifest", "InvalidGzip", "InvalidJSON", "InvalidXML",
        "MetricsPortUnavailable", "DatabaseUnreachable", "NoSuchColumn",
    ]

    /// SQS's query-protocol codes carry a prefix (`AWS.SimpleQueueService.OverLimit`); the table
    /// keys the bare code.
    static func unqualified(_ code: String) -> String {
        code.dropPrefix("AWS.SimpleQueueService.").map(String.init) ?? code
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
