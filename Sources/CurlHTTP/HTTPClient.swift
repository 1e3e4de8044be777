/// An HTTP/1.1 client that runs every request on one libcurl multi handle and thread.
///
/// Connections are kept alive and reused across requests. Each request carries its own
/// connect and total timeouts. Cancelling the calling task abandons the transfer at once.
///
/// ```swift
/// let client = HTTPClient()
/// let response = try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:9000/"))
/// ```
public final class HTTPClient: Sendable {
    private let engine: CurlMultiEngine

    /// Creates a client and starts its engine thread.
    /// - Parameter maxConnections: how many idle connections the pool keeps for reuse.
    public init(maxConnections: Int = 256) {
        engine = CurlMultiEngine(maxConnections: maxConnections)
    }

    /// Sends a request and returns the complete response, whatever its status.
    ///
    /// - Throws: ``HTTPClientError`` when no response arrived; `CancellationError` when the
    ///   calling task was cancelled.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = try CurlTransfer(request, pool: engine.pool)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    /// Fails every request in flight with ``HTTPClientError/Code/engineShutDown`` and stops the thread.
    public func shutdown() {
        engine.shutdown()
    }
}
