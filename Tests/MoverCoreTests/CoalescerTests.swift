import MoverCore
import Synchronization
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct CoalescerTests {
    @Test func concurrentRequestsShareBatchesAndGetTheirOwnResults() async throws {
        let batches = Mutex<[Int]>([])
        let coalescer = Coalescer<Int, Int>(maxBatch: 50) { inputs in
            batches.withLock { $0.append(inputs.count) }
            try await Task.sleep(for: .milliseconds(5))
            return inputs.map { $0 * 2 }
        }
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<200 { group.addTask { (value, try await coalescer.submit(value)) } }
            var results: [Int: Int] = [:]
            for try await (input, output) in group { results[input] = output }
            return results
        }
        #expect(results.count == 200 && results.allSatisfy { $0.value == $0.key * 2 })
        let sizes = batches.withLock { $0 }
        #expect(sizes.reduce(0, +) == 200)
        #expect(sizes.count < 200)  // batched
        #expect(sizes.allSatisfy { $0 <= 50 })
    }

    @Test func aLoneRequestRunsAtOnce() async throws {
        let coalescer = Coalescer<String, String>(maxBatch: 10) { $0.map { $0.uppercased() } }
        #expect(try await coalescer.submit("a") == "A")
        #expect(try await coalescer.submit("b") == "B")
    }

    @Test func aFailedBatchFailsEachOfItsRequests() async {
        let coalescer = Coalescer<Int, Int>(maxBatch: 10) { _ in throw TestError.transient }
        await #expect(throws: TestError.self) { try await coalescer.submit(1) }
    }
}

@Suite(.timeLimit(.minutes(2))) struct CoalescerCancellationTests {
    /// A batch that never answers (a stuck database): cancelling a waiter ends its wait at once.
    @Test func cancellingAWaiterEndsItsWaitEvenWhileItsBatchHangs() async throws {
        let started = Latch(), never = Latch()
        let coalescer = Coalescer<Int, Int>(maxBatch: 10) { inputs in
            started.open()
            try? await never.wait()  // hangs until cancelled
            return inputs
        }
        let waiter = Task { try await coalescer.submit(1) }
        try await started.wait()
        let cancelled = ContinuousClock.now
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(ContinuousClock.now - cancelled < .seconds(5))
    }

    /// A request queued behind a running batch is dropped when cancelled; the others still get answers.
    @Test func aQueuedRequestIsDroppedAndTheRestAnswered() async throws {
        let release = Latch(), started = Latch()
        let seen = Mutex<[Int]>([])
        let coalescer = Coalescer<Int, Int>(maxBatch: 10) { inputs in
            seen.withLock { $0 += inputs }
            started.open()
            try await release.wait()
            return inputs.map { $0 * 10 }
        }
        let first = Task { try await coalescer.submit(1) }
        try await started.wait()
        let dropped = Task { try await coalescer.submit(2) }
        let kept = Task { try await coalescer.submit(3) }
        dropped.cancel()
        await #expect(throws: CancellationError.self) { try await dropped.value }
        release.open()
        #expect(try await first.value == 10)
        #expect(try await kept.value == 30)
        #expect(seen.withLock { $0 } == [1, 3])  // the cancelled request was never sent
    }

    /// The request that would run the next batch is cancelled while it waits for company: the
    /// requests behind it are still answered (by the next in line), and it is never sent.
    @Test func aCancelledLeaderHandsTheBatchOn() async throws {
        let seen = Mutex<[Int]>([])
        let coalescer = Coalescer<Int, Int>(maxBatch: 10, linger: .milliseconds(100)) { inputs in
            seen.withLock { $0 += inputs }
            return inputs.map { $0 * 10 }
        }
        let cancelled = Task { try await coalescer.submit(1) }
        let kept = Task { try await coalescer.submit(2) }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(try await kept.value == 20)
        #expect(seen.withLock { $0 } == [2])
    }

    /// Each batch runs in the task of its first request: no task of the coalescer's own.
    @Test func aBatchRunsInItsFirstRequestsTask() async throws {
        let coalescer = Coalescer<Int, String>(maxBatch: 10) { inputs in
            inputs.map { _ in BatchOwner.name ?? "no owner" }
        }
        let answer = try await BatchOwner.$name.withValue("caller") { try await coalescer.submit(1) }
        #expect(answer == "caller")
    }
}

private enum BatchOwner {
    @TaskLocal static var name: String?
}
