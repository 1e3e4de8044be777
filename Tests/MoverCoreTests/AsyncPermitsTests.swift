import MoverCore
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct AsyncPermitsTests {
    @Test func takesWhatIsFreeUpToTheMaximum() async {
        let permits = AsyncPermits(25)
        #expect(await permits.acquire(atLeast: 5, upTo: 10) == 10)
        #expect(await permits.acquire(atLeast: 5, upTo: 10) == 10)
        #expect(await permits.acquire(atLeast: 5, upTo: 10) == 5)
        #expect(permits.available == 0)
    }

    @Test func waitsForTheMinimumThenTakesEverythingFree() async throws {
        let permits = AsyncPermits(10)
        #expect(await permits.acquire(atLeast: 1, upTo: 10) == 10)
        let waiter = Task { await permits.acquire(atLeast: 5, upTo: 10) }
        try await waitUntil("the waiter to queue") { permits.waiting >= 1 }
        // A release hands permits to waiters before it returns, so the state is final here.
        permits.release(3)
        #expect(permits.available == 3 && permits.waiting == 1, "3 free is below the waiter's minimum of 5")
        permits.release(4)
        #expect(await waiter.value == 7)
        #expect(permits.available == 0)
    }

    @Test func limitsAreClampedToTheCapacity() async {
        let permits = AsyncPermits(4)
        #expect(await permits.acquire(atLeast: 10, upTo: 10) == 4)
        permits.release(4)
        #expect(await permits.acquire(atLeast: 0, upTo: 0) == 1)
    }

    @Test func waitersAreServedInOrder() async throws {
        let permits = AsyncPermits(10)
        _ = await permits.acquire(atLeast: 10, upTo: 10)
        let big = Task { await permits.acquire(atLeast: 8, upTo: 10) }
        try await waitUntil("the big request to queue") { permits.waiting >= 1 }
        let small = Task { await permits.acquire(atLeast: 1, upTo: 1) }
        try await waitUntil("the small request to queue") { permits.waiting >= 2 }
        permits.release(2)
        #expect(permits.available == 2 && permits.waiting == 2, "the small request waits behind the big one")
        permits.release(8)
        #expect(await big.value == 10)
        permits.release(1)
        #expect(await small.value == 1)
    }
}
