/// A transport-level failure: the request did not produce an HTTP response.
///
/// HTTP error statuses are not transport failures; they arrive as ``HTTPResponse``.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: Hashable { case timedOut, couldNotConnect, connectionLost, tooManyOpenFiles, engineShutDown, invalidRequest, responseTooLarge, other }
        fileprivate let base: Base
        /// The transfer exceeded its connect or total timeout.
        public static let timedOut = Code(base: .timedOut)
        /// The host could not be resolved or did not accept the connection.
        public static let couldNotConnect = Code(base: .couldNotConnect)
        /// The connection broke while sending or receiving.
        public static let connectionLost = Code(base: .connectionLost)
        /// No socket could be opened: the process has no file descriptors left (EMFILE or
        /// ENFILE). libcurl reports it as "couldn't connect"; this says what it is.
        public static let tooManyOpenFiles = Code(base: .tooManyOpenFiles)
        /// The engine was shut down before the transfer finished.
        public static let engineShutDown = Code(base: .engineShutDown)
        /// libcurl rejected the request's options (a bad URL, say).
        public static let invalidRequest = Code(base: .invalidRequest)
        /// The response (body or headers) exceeded the request's cap; the transfer was stopped.
        public static let responseTooLarge = Code(base: .responseTooLarge)
        /// Any other libcurl failure; see ``HTTPClientError/curlCode``.
        public static let other = Code(base: .other)
        public var description: String {
            switch base {
            case .timedOut: "timed out"
            case .couldNotConnect: "could not connect"
            case .connectionLost: "connection lost"
            case .tooManyOpenFiles: "out of file descriptors"
            case .engineShutDown: "engine shut down"
            case .invalidRequest: "invalid request"
            case .responseTooLarge: "response too large"
            case .other: "transfer failed"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// The raw `CURLcode`, when libcurl reported one.
    public var curlCode: Int?
    /// libcurl's own message for the failure.
    public var message: String
    /// The method and URL (never headers, so never credentials).
    public var request: String

    /// Creates an error.
    public init(code: Code, curlCode: Int? = nil, message: String, request: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
        self.request = request
    }

    /// Whether trying again may succeed: an allow-list of connect failures, timeouts and broken
    /// connections. Everything else (TLS and certificate errors, an invalid request, any `CURLcode`
    /// not known to be passing) is permanent and reported with its code.
    public var isTransient: Bool {
        code == .timedOut || code == .couldNotConnect || code == .connectionLost || code == .tooManyOpenFiles
    }

    public var description: String {
        let curl = curlCode.map { " (CURLcode \($0))" } ?? ""
        return "HTTP \(code)\(curl) for \(request): \(message)"
    }
}
