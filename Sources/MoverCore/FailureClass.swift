/// How a failure should be treated by the retry policy.
public enum FailureClass: Sendable, Hashable {
    /// A retry may succeed (a 5xx answer, a deadlock): retried within the ordinary budget, then failed.
    case transient
    /// A dependency cannot be reached (no connection, a connection lost or timed out, a database
    /// restarting): retried within the budget, then held by ``OutageHold`` while it lasts.
    case outage
    /// The service asked us to slow down; retry after a longer pause.
    case throttled
    /// Retrying will not help (access denied, no such bucket, bad input).
    case permanent
}

/// An error that knows how it should be retried, and a short stable code for logs and metrics.
public protocol ClassifiedError: Error {
    /// How the retry policy should treat this error.
    var failureClass: FailureClass { get }
    /// A short code: the S3/SQS error code, `SQLSTATE 57P01`, `CURLcode 7`...
    var failureCode: String { get }
}

/// An error of input or configuration (a bad setting, a malformed manifest): retrying never
/// helps, so only its code needs saying.
public protocol PermanentError: ClassifiedError {}

extension PermanentError {
    public var failureClass: FailureClass { .permanent }
}

extension Error {
    /// The error's class; unknown errors count as permanent, cancellation too.
    public var failureClass: FailureClass {
        (self as? any ClassifiedError)?.failureClass ?? .permanent
    }

    /// The error's short code, or its type name.
    public var failureCode: String {
        (self as? any ClassifiedError)?.failureCode ?? (self is CancellationError ? "Cancelled" : String(describing: type(of: self)))
    }
}
