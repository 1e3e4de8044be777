public import AWS
public import CurlHTTP
public import Gzip
public import MoverCore
public import Postgres
public import StrictJSON

// Every error type the adapters throw, classified by the one table (`RetryTable`), and coded
// with a code from a bounded set: a failure's code becomes a metric label and a tally key.

extension AWSServiceError: ClassifiedError {
    public var failureClass: FailureClass { RetryTable.classify(code: code, status: status) }
    public var failureCode: String { RetryTable.boundedCode(code) }
}

extension HTTPClientError: ClassifiedError {
    /// No connection, or a connection lost or timed out: an outage while it lasts. Running out
    /// of file descriptors passes when transfers end: transient. Anything else is permanent.
    public var failureClass: FailureClass {
        if code == .tooManyOpenFiles { return .transient }
        if let curlCode, RetryTable.outageCurlCodes.contains(curlCode) { return .outage }
        return .permanent
    }

    public var failureCode: String {
        if code == .tooManyOpenFiles { return "TooManyOpenFiles" }
        return curlCode.map { "CURLcode \($0)" } ?? "\(code)"
    }
}

extension PostgresError: ClassifiedError {
    public var failureClass: FailureClass {
        if code == .connectionLost { return .outage }
        guard let sqlState else { return code == .connectionFailed ? .outage : .permanent }
        return RetryTable.classify(sqlState: sqlState)
    }

    public var failureCode: String { sqlState.map { "SQLSTATE \($0)" } ?? "\(code)" }
}

/// An answer that is not XML: a server that does not implement the operation, most often.
/// (A truncated transfer is a transport error, caught by libcurl.)
extension XMLParseError: PermanentError { public var failureCode: String { "InvalidXML" } }

extension CredentialError: ClassifiedError {
    /// Unreachable credential endpoints and 5xx answers are outages; a refused role is not.
    public var failureClass: FailureClass { isTransient ? .outage : .permanent }
    public var failureCode: String { RetryTable.boundedCode(code) }
}

// Errors of input or configuration: permanent, each with a code of its own.
extension AWSConfigurationError: PermanentError { public var failureCode: String { "InvalidAWSSetting" } }
extension SettingsError: PermanentError { public var failureCode: String { "InvalidSetting" } }
extension ManifestError: PermanentError { public var failureCode: String { "InvalidManifest" } }
extension GzipError: PermanentError { public var failureCode: String { "InvalidGzip" } }
extension JSONParser.Failure: PermanentError { public var failureCode: String { "InvalidJSON" } }
extension RuntimeError: PermanentError { public var failureCode: String { code } }
