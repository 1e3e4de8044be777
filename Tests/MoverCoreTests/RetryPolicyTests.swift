import MoverCore
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(2))) struct RetryPolicyTests {
    @Test func backoffIsFullJitterCappedExponential() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), throttledBaseDelay: .milliseconds(500), maxDelay: .seconds(1))
        #expect(policy.delay(beforeRetry: 1, after: .transient, random: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 3, after: .transient, random: 1) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 2, after: .throttled, random: 1) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, after: .transient, random: 0) == .zero)
        #expect(policy.delay(beforeRetry: 30, after: .transient, random: 1) == .seconds(1))
    }

    @Test func permanentFailuresAreNotRetried() async {
        let calls = Mutex(0)
        await #expect(throws: TestError.self) {
            try await RetryPolicy.fast.run { calls.withLock { $0 += 1 }; throw TestError.permanent }
        }
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func stopsAfterMaxAttempts() async {
        let calls = Mutex(0)
        await #expect(throws: TestError.self) {
            try await RetryPolicy.fast.run { calls.withLock { $0 += 1 }; throw TestError.throttled }
        }
        #expect(calls.withLock { $0 } == 3)
    }

    @Test func emptyQuotaStopsRetries() async {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), quota: RetryQuota(capacity: 10, retryCost: 5))
        let calls = Mutex(0)
        await #expect(throws: TestError.self) {
            try await policy.run { calls.withLock { $0 += 1 }; throw TestError.transient }
        }
        #expect(calls.withLock { $0 } == 3)  // two retries spent the 10 tokens
        #expect(policy.quota.available == 0)
        policy.quota.recordSuccess(retried: false)
        #expect(policy.quota.available == 1)
    }

    /// Throttling is retried inside the adaptive window without spending the budget: each
    /// throttled attempt narrows the window, the success widens it again.
    @Test func throttledAttemptsAreRetriedInsideTheWindow() async throws {
        let policy = RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1))
        let window = AdaptiveWindow(maximum: 64)
        let calls = Mutex(0)
        let value = try await policy.run(in: window) {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call <= 3 { throw TestError.throttled }
            return call
        }
        #expect(value == 4)
        #expect(window.counts == (throttles: 3, successes: 1))
        #expect(window.limit == 2, "8 halved by each throttled attempt (each admitted after the last halving) to 1, and one success adds 1/limit")
        // Other failures neither narrow nor widen it, and spend the budget as before.
        await #expect(throws: TestError.self) { try await policy.run(in: window) { throw TestError.transient } }
        #expect(window.counts == (throttles: 3, successes: 1))
    }
}
