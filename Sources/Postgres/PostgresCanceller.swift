internal import CLibPQ

/// Sends a cancel request for one connection's running statement (`PQcancel`). Owned by its
/// connection and used, like it, only on the client's dedicated thread: `PQcancel` blocks while
/// it connects to the server.
final class PostgresCanceller {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfreeCancel(handle)
    }

    /// Asks the server to cancel; returns whether the request was sent. libpq's error text, if
    /// any, is not kept: it can name the host, and nothing here needs it.
    @discardableResult
    func cancel() -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(handle, &buffer, Int32(buffer.count)) == 1
    }
}
