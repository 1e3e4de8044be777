import Synchronization

/// One message's processing permit, given back exactly once (early, when it starts waiting for a row).
final class PermitHold: Sendable {
    private let permits: AsyncPermits
    private let held = Mutex(true)
    init(_ permits: AsyncPermits) { self.permits = permits }
    func release() {
        if held.withLock({ held in defer { held = false }; return held }) { permits.release() }
    }
}
