import Synchronization

/// Idle easy handles kept for reuse: creating one per request costs allocations (its buffers)
/// that dominate the client's CPU at thousands of requests a second.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasyHandle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// An idle handle with its options reset, or a new one.
    func checkOut() -> CurlEasyHandle? {
        if let handle = idle.withLock({ $0.popLast() }) {
            handle.reset()
            return handle
        }
        return CurlEasyHandle()
    }

    /// Returns a handle that is no longer in the multi handle.
    func checkIn(_ handle: CurlEasyHandle) {
        idle.withLock { idle in
            if idle.count < capacity { idle.append(handle) }
        }
    }
}
