/// The one way a test waits for a state it cannot await directly: poll with a deadline.
///
/// When the deadline passes the wait throws ``WaitTimedOut``, which names what the test waited
/// for and what it saw last, so a slow machine gives a failure with a cause instead of a hang.
/// The wait is cancellable between probes: a suite's `.timeLimit` ends it.
public struct WaitTimedOut: Error, CustomStringConvertible {
    /// What the test was waiting for, in words.
    public var condition: String
    /// The last observation, as text.
    public var lastSeen: String
    /// How long the test waited.
    public var waited: Duration

    public var description: String { "timed out after \(waited) waiting for \(condition); last seen: \(lastSeen)" }
}

/// Polls `observe` every `interval` until `until` holds for what it returns, and returns that value.
///
/// - Parameters:
///   - condition: what is awaited, for the failure message ("the worker to delete m0").
///   - timeout: the deadline, sized for a loaded 2-core machine.
@discardableResult
public func waitFor<T>(_ condition: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(20),
                       observing observe: () async throws -> T, until done: (T) -> Bool) async throws -> T {
    let clock = ContinuousClock()
    let started = clock.now
    while true {
        let seen = try await observe()
        if done(seen) { return seen }
        if clock.now - started >= timeout {
            throw WaitTimedOut(condition: condition, lastSeen: String(describing: seen), waited: clock.now - started)
        }
        try await clock.sleep(for: interval)
    }
}

/// Polls `holds` until it returns true; throws ``WaitTimedOut`` at the deadline.
public func waitUntil(_ condition: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(20),
                      _ holds: () async throws -> Bool) async throws {
    try await waitFor(condition, timeout: timeout, every: interval, observing: holds, until: { $0 })
}

/// Polls `value` until it is non-nil and returns it; throws ``WaitTimedOut`` at the deadline.
@discardableResult
public func waitForValue<T>(_ condition: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(20),
                            _ value: () async throws -> T?) async throws -> T {
    try await waitFor(condition, timeout: timeout, every: interval, observing: value, until: { $0 != nil })!
}
