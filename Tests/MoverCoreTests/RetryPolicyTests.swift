import Logging
import MoverCore
import Synchronization
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct RetryPolicyTests {
    /// An operation that throws `failure` on its first `failures` calls, then returns the call's number.
    final class Flaky: Sendable {
        let failures: Int
        let failure: TestError
        private let count = Mutex(0)

        init(failing failures: Int, with failure: TestError) {
            self.failures = failures
            self.failure = failure
        }

        var calls: Int { count.withLock { $0 } }

        func call() throws -> Int {
            let call = count.withLock { count in
                count += 1
                return count
            }
            if call <= failures { throw failure }
            return call
        }
    }

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
        let operation = Flaky(failing: 3, with: .throttled)
        let value = try await policy.run(in: window) { try operation.call() }
        #expect(value == 4)
        #expect(window.counts == (throttles: 3, successes: 1))
        #expect(window.limit == 2, "8 halved by each throttled attempt (each admitted after the last halving) to 1, and one success adds 1/limit")
        // Other failures neither narrow nor widen it, and spend the budget as before.
        await #expect(throws: TestError.self) { try await policy.run(in: window) { throw TestError.transient } }
        #expect(window.counts == (throttles: 3, successes: 1))
    }

    /// A hold that waits 1 ms between held attempts, for up to `maxHold`.
    static func hold(maxHold: Duration = .seconds(60)) -> OutageHold {
        var hold = OutageHold(maxHold: maxHold, logger: Logger(label: "test"))
        hold.backoff = Backoff(initial: .milliseconds(1), cap: .milliseconds(1), jitter: 1...1)
        return hold
    }

    /// ``RetryPolicy/fast`` with a quota of its own (the shared one is other tests' too).
    static func holding(_ hold: OutageHold) -> RetryPolicy {
        RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), throttledBaseDelay: .milliseconds(1), maxDelay: .milliseconds(2),
                    hold: hold)
    }

    /// An outage past the budget is held (one loop, one classification) until it ends: the
    /// health shows it meanwhile and is clear after the first success.
    @Test func anOutagePastTheBudgetIsHeldUntilItEnds() async throws {
        let hold = Self.hold()
        let operation = Flaky(failing: 20, with: .outage)
        let outageSeen = Mutex(false)
        let value = try await Self.holding(hold).run {
            if operation.calls > 0 { outageSeen.withLock { $0 = $0 || hold.health.outage != nil } }
            return try operation.call()
        }
        #expect(value == 21)
        #expect(outageSeen.withLock { $0 }, "the outage was marked while held")
        #expect(hold.health.outage == nil, "and cleared by the success")
    }

    /// Throttling past the budget is held like an outage.
    @Test func throttlingPastTheBudgetIsHeld() async throws {
        let operation = Flaky(failing: 10, with: .throttled)
        let value = try await Self.holding(Self.hold()).run { try operation.call() }
        #expect(value == 11)
    }

    /// A server that answers, however wrongly, is not an outage: a transient failure spends the
    /// ordinary budget and is thrown, hold or not; a permanent one is thrown at once.
    @Test(arguments: [(TestError.transient, 3), (.permanent, 1)])
    func failuresThatAreNotOutagesAreNotHeld(_ failure: TestError, calls expected: Int) async {
        let hold = Self.hold()
        let calls = Mutex(0)
        await #expect(throws: TestError.self) {
            try await Self.holding(hold).run { calls.withLock { $0 += 1 }; throw failure }
        }
        #expect(calls.withLock { $0 } == expected)
        #expect(hold.health.outage == nil)
    }

    /// The production hold, on a virtual clock: an outage that never ends is held for its 15
    /// minutes, in pauses of at most 5 s, and then thrown; the outage stays marked (nothing
    /// succeeded).
    @Test func theHoldGivesUpAfterItsFifteenMinutes() async {
        let clock = VirtualClock()
        let hold = OutageHold(logger: Logger(label: "test"))
        let policy = RetryPolicy(hold: hold, clock: clock)
        let calls = Mutex(0)
        await #expect(throws: TestError.self) {
            try await policy.run { calls.withLock { $0 += 1 }; throw TestError.outage }
        }
        #expect(clock.elapsed >= .seconds(900) && clock.elapsed < .seconds(906), "\(clock.elapsed)")
        #expect(clock.pauses.allSatisfy { $0 <= .seconds(5) })
        #expect(calls.withLock { $0 } > 180, "at least one attempt after each held pause of at most 5 s")
        #expect(hold.health.outage != nil)
    }

    /// Without a hold (listings, rollback, finalize, verify), an outage is thrown once the budget is spent.
    @Test func withoutAHoldAnOutageSpendsTheBudgetOnly() async {
        let calls = Mutex(0)
        await #expect(throws: TestError.self) {
            try await RetryPolicy.fast.run { calls.withLock { $0 += 1 }; throw TestError.outage }
        }
        #expect(calls.withLock { $0 } == 3)
    }
}
