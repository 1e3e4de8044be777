import Synchronization

/// A one-way flag: ``claim()`` is true for its first caller only (one warning per run).
final class FirstTime: Sendable {
    private let state = Mutex(false)

    init() {}

    /// Whether ``claim()`` was called.
    var claimed: Bool { state.withLock { $0 } }

    /// True the first time it is called, false ever after.
    func claim() -> Bool {
        state.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
