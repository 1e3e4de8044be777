/// An HTTP request as the engine sends it: the URL is final (already percent-encoded).
public struct HTTPRequest: Sendable {
    /// The HTTP method, e.g. `GET`, `PUT`, `HEAD`.
    public var method: String
    /// The absolute, already-encoded URL.
    public var url: String
    /// Request headers, sent in this order. Names are sent as given.
    public var headers: [(name: String, value: String)]
    /// The request body; empty for none.
    public var body: [UInt8]
    /// The upper bound for the whole transfer, connection included.
    public var timeout: Duration
    /// The upper bound for establishing the connection.
    public var connectTimeout: Duration
    /// The largest response body accepted; a larger one fails the request (``HTTPClientError/Code/responseTooLarge``)
    /// instead of growing memory. Every answer s3-mover reads is small; 64 MiB by default.
    public var maxResponseBytes: Int

    /// The default cap on a response body.
    public static let defaultMaxResponseBytes = 64 * 1024 * 1024

    /// Creates a request.
    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(60),
        connectTimeout: Duration = .seconds(5),
        maxResponseBytes: Int = HTTPRequest.defaultMaxResponseBytes
    ) {
        self.maxResponseBytes = max(0, maxResponseBytes)
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }
}
