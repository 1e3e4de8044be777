internal import CLibPQ

/// Sends a cancel request for one connection's running statement (`PQcancel`), from any thread.
///
/// `@unchecked Sendable`: the `PGcancel` is created once (`PQgetCancel`) and never changed;
/// libpq documents `PQcancel` as safe to call from any thread, and the object is freed exactly
/// once, in `deinit`, when no thread holds it any more.
final class PostgresCanceller: @unchecked Sendable {
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
