import MoverCore
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct AdaptiveWindowTests {
    @Test func throttlingHalvesOncePerGenerationAndSuccessesGrowItBack() {
        let window = AdaptiveWindow(maximum: 64)
        #expect(window.limit == AdaptiveWindow.initialLimit)
        for _ in 0..<100 { window.succeeded() }  // slow start: one per success
        #expect(window.limit == 64)
        for _ in 0..<20 { window.throttled(startedIn: 0) }  // a burst from attempts started together
        #expect(window.limit == 32)
        window.throttled(startedIn: 1)
        #expect(window.limit == 16)
        for _ in 0..<(16 * 4) { window.succeeded() }  // ~one per window of successes
        #expect((18...21).contains(window.limit), "\(window.limit)")
        for _ in 0..<100_000 { window.succeeded() }
        #expect(window.limit == 64)
    }

    @Test func itNeverFallsBelowOne() {
        let window = AdaptiveWindow(maximum: 4)
        for _ in 0..<1000 { window.throttled() }  // each one a generation of its own
        #expect(window.limit == 1)
    }

    /// The worker's intake follows the window: a lowered limit holds new permits back, and a
    /// waiter for more than the limit allows takes what it allows.
    @Test func itDrivesThePermits() async throws {
        let permits = AsyncPermits(32)
        let window = AdaptiveWindow(maximum: 32)
        window.drive(permits)
        #expect(permits.limit == AdaptiveWindow.initialLimit)
        for _ in 0..<24 { window.succeeded() }
        #expect(permits.limit == 32)
        for _ in 0..<32 { window.throttled(startedIn: 0) }
        #expect(permits.limit == 16)
        let taken = await permits.acquire(atLeast: 10, upTo: 20)
        #expect(taken == 16)
        let more = Task { await permits.acquire(atLeast: 1, upTo: 1) }
        try await waitUntil("the request to wait for a permit") { permits.waiting > 0 }
        for _ in 0..<10_000 { window.succeeded() }
        #expect(await more.value == 1)
        permits.release(17)
    }
}
