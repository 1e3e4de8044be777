public import Testing

/// ``waitUntil(_:timeout:every:_:)`` for a test that must go on after a failed wait (to stop a
/// process it started, say): a timeout is recorded as an issue at the caller, naming the
/// condition and what was seen last, and the wait returns false.
@discardableResult
public func expectEventually(_ condition: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
                             sourceLocation: SourceLocation = #_sourceLocation,
                             _ holds: () async throws -> Bool) async -> Bool {
    do {
        try await waitUntil(condition, timeout: timeout, every: interval, holds)
        return true
    } catch {
        Issue.record(error, sourceLocation: sourceLocation)
        return false
    }
}
