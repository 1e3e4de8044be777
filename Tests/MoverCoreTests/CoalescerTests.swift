import MoverCore
import Synchronization
import Testing

@Suite struct CoalescerTests {
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
