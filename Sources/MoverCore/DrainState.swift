import Synchronization

/// Set once `--drain` has seen the end, so every receive loop stops.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}

/// How many received batches are being processed, for `--drain`'s end.
final class InFlightCount: Sendable {
    private let count_ = Mutex(0)
    func started() { count_.withLock { $0 += 1 } }
    func finished() { count_.withLock { $0 -= 1 } }
    var count: Int { count_.withLock { $0 } }
}
