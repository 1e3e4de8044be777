import Logging
import MoverCore
import ServiceLifecycleTestKit
import Synchronization
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct WorkerTests {
    static func body(bucket: String = "legacy", keys: [String], event: String = "ObjectCreated:Put") -> String {
        let records = keys.map {
            #"{"eventVersion":"2.1","eventName":"\#(event)","s3":{"bucket":{"name":"\#(bucket)"},"object":{"key":"\#($0)"}}}"#
        }
        return #"{"Records":[\#(records.joined(separator: ","))]}"#
    }

    func worker(_ queue: MemoryQueue, copier: MemoryCopier, table: MemoryTable, drain: Bool = true, concurrency: Int = 4) -> Worker {
        let logger = Logger(label: "test")
        let hold = OutageHold(backoffCap: .milliseconds(20), logger: logger)
        let handler = MigrationHandler(mapper: KeyMapper(), copier: copier, repointer: table, retry: RetryPolicy.fast.holding(through: hold),
                                       logger: logger)
        let tally = MigrationTally()
        let processor = MessageProcessor(sourceBucket: "legacy", handler: handler, tally: tally, logger: logger)
        return Worker(queue: queue, processor: processor, tally: tally, configuration: .init(concurrency: concurrency, waitSeconds: 0, drain: drain),
                      logger: logger, health: hold.health)
    }

    @Test func receivesWholeBatchesWhilePermitsAreShort() async {
        let keys = (1...200).map { "image/a\($0).png" }
        let queue = MemoryQueue(bodies: keys.map { Self.body(keys: [$0]) })
        let worker = worker(queue, copier: MemoryCopier(sources: keys), table: MemoryTable(rows: keys), concurrency: 40)
        await worker.run()
        #expect(queue.state.withLock { $0.deleted.count } == 200)
        // Every receive asked for a full batch, even though the 40 permits were mostly taken.
        #expect(queue.state.withLock { $0.requested }.allSatisfy { $0 == 10 })
    }

    @Test func drainingPollsWithoutWaitingAndConfirmsTheEndWithOneLongPoll() async {
        let keys = (1...30).map { "image/a\($0).png" }
        let queue = MemoryQueue(bodies: keys.map { Self.body(keys: [$0]) })
        let logger = Logger(label: "test")
        let handler = MigrationHandler(mapper: KeyMapper(), copier: MemoryCopier(sources: keys), repointer: MemoryTable(rows: keys),
                                       retry: .fast, logger: logger)
        let counts = MigrationTally()
        let processor = MessageProcessor(sourceBucket: "legacy", handler: handler, tally: counts, logger: logger)
        let worker = Worker(queue: queue, processor: processor, tally: counts,
                            configuration: .init(concurrency: 20, waitSeconds: 20, drain: true, receivers: 1), logger: logger)
        await worker.run()
        let waits = queue.state.withLock { $0.waits }
        #expect(queue.state.withLock { $0.deleted.count } == 30)
        #expect(waits.last == 1, "the last receive is the long poll that confirms the queue is empty")
        #expect(waits.dropLast().allSatisfy { $0 == 0 }, "\(waits)")
        let tally = counts.snapshot
        #expect(tally.firstReceived != nil && tally.lastDeleted != nil && tally.lastDeleted! > tally.firstReceived!)
    }

    @Test func aSlowMessageHoldsOnlyItsOwnPermit() async {
        let keys = (1...40).map { "image/a\($0).png" }
        let queue = MemoryQueue(bodies: keys.map { Self.body(keys: [$0]) })
        let copier = MemoryCopier(sources: keys)
        // The first message of the first batch waits for 20 other copies; with the batch's
        // permits held until its slowest message finished, only its 9 siblings could run.
        copier.state.withLock { $0.slow = ("image/a1.png", 20) }
        let worker = worker(queue, copier: copier, table: MemoryTable(rows: keys), concurrency: 10)
        await worker.run()
        #expect(copier.state.withLock { $0.copiesDuringSlow } >= 20)
        #expect(queue.state.withLock { $0.deleted.count } == 40)
    }

    @Test func drainsAndDeletesCompletedMessages() async {
        let keys = (1...25).map { "image/a\($0).png" }
        let queue = MemoryQueue(bodies: keys.map { Self.body(keys: [$0]) } + [#"{"Event":"s3:TestEvent"}"#])
        let table = MemoryTable(rows: keys)
        let worker = worker(queue, copier: MemoryCopier(sources: keys), table: table)
        await worker.run()
        #expect(queue.state.withLock { $0.deleted.count } == 26)
        #expect(table.rows.allSatisfy { $0.hasPrefix("avatar/") })
        let tally = worker.tally.snapshot
        #expect(tally.migrated == 25)
        #expect(tally.skipped[.testEvent] == 1)
    }

    @Test func skipsForeignBucketsRemovalsAndOtherKeysButAcknowledgesThem() async {
        let queue = MemoryQueue(bodies: [
            Self.body(bucket: "someone-else", keys: ["image/a.png"]),
            Self.body(keys: ["image/a.png"], event: "ObjectRemoved:Delete"),
            Self.body(keys: ["avatar/a.png", "docs/readme.txt"]),
        ])
        let copier = MemoryCopier(sources: ["image/a.png"])
        let worker = worker(queue, copier: copier, table: MemoryTable(rows: ["image/a.png"]))
        await worker.run()
        #expect(queue.state.withLock { $0.deleted.count } == 3)
        #expect(copier.state.withLock { $0.copies } == 0)
        let skipped = worker.tally.snapshot.skipped
        #expect(skipped[.foreignBucket] == 1 && skipped[.notObjectCreated] == 1 && skipped[.destinationKey] == 1 && skipped[.notSourceKey] == 1)
    }

    @Test func malformedAndFailedMessagesAreKept() async throws {
        let queue = MemoryQueue(bodies: ["not json", Self.body(keys: ["image/ok.png", "image/missing.png"]), Self.body(keys: ["image/ok.png"])])
        let worker = worker(queue, copier: MemoryCopier(sources: ["image/ok.png"]), table: MemoryTable(rows: ["image/ok.png"]), drain: false)
        try await testGracefulShutdown { trigger in
            let run = Task { await worker.run() }
            // Wait for the final state: one message deleted, the malformed one and the failed one kept.
            try await waitFor("one message deleted and two kept", observing: { worker.tally.snapshot }) {
                $0.messagesDeleted >= 1 && $0.messagesKept >= 2
            }
            trigger.triggerGracefulShutdown()
            await run.value
        }
        let state = queue.state.withLock { $0 }
        #expect(state.deleted == ["m2"])
        #expect(Set(state.inFlight.keys) == ["m0", "m1"])
        #expect(worker.tally.snapshot.malformedMessages == 1)
    }

    @Test func receiveFailuresBackOffAndRecover() async {
        let queue = MemoryQueue(bodies: [Self.body(keys: ["image/a.png"])])
        queue.state.withLock { $0.receiveFailures = 2 }
        let worker = worker(queue, copier: MemoryCopier(sources: ["image/a.png"]), table: MemoryTable(rows: ["image/a.png"]))
        await worker.run()
        #expect(queue.state.withLock { $0.deleted } == ["m0"])
    }

    @Test func failedDeleteEntriesAreNotCountedAsDeleted() async throws {
        let queue = MemoryQueue(bodies: [Self.body(keys: ["image/a.png"])])
        queue.state.withLock { $0.failDeletesOf = ["m0"] }
        let worker = worker(queue, copier: MemoryCopier(sources: ["image/a.png"]), table: MemoryTable(rows: ["image/a.png"]), drain: false)
        try await testGracefulShutdown { trigger in
            let run = Task { await worker.run() }
            // Every delete attempt (three) has failed before shutdown.
            try await waitFor("three delete attempts of m0", observing: { queue.state.withLock { $0.deleteAttempts["m0", default: 0] } }) { $0 >= 3 }
            trigger.triggerGracefulShutdown()
            await run.value
        }
        #expect(worker.tally.snapshot.messagesDeleted == 0)
        #expect(queue.state.withLock { $0.inFlight.keys.contains("m0") })
    }

    /// A receipt handle SQS refuses as a sender fault is not retried and not counted as deleted.
    @Test func senderFaultDeletesAreNotCountedAsDeleted() async throws {
        let queue = MemoryQueue(bodies: [Self.body(keys: ["image/a.png"]), Self.body(keys: ["image/b.png"])])
        queue.state.withLock { $0.staleReceipts = ["m0"] }
        let keys = ["image/a.png", "image/b.png"]
        let worker = worker(queue, copier: MemoryCopier(sources: keys), table: MemoryTable(rows: keys), drain: false)
        try await testGracefulShutdown { trigger in
            let run = Task { await worker.run() }
            try await waitUntil("both objects migrated and both deletes attempted") {
                worker.tally.snapshot.migrated >= 2 && queue.state.withLock { $0.deleteAttempts.count } >= 2
            }
            trigger.triggerGracefulShutdown()
            await run.value
        }
        #expect(worker.tally.snapshot.messagesDeleted == 1)
        #expect(queue.state.withLock { $0.deleteAttempts["m0"] } == 1)
        #expect(queue.state.withLock { $0.deleted } == ["m1"])
    }

    @Test func redeliveryAfterAFailureCompletesIdempotently() async throws {
        let queue = MemoryQueue(bodies: [Self.body(keys: ["image/a.png"])])
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable(rows: ["image/a.png"])
        table.state.withLock { $0.failuresBeforeSuccess = 1; $0.failure = .permanent }  // first delivery: update fails after copy
        let first = worker(queue, copier: copier, table: table, drain: false)
        try await testGracefulShutdown { trigger in
            let run = Task { await first.run() }
            try await waitUntil("the first delivery to fail") { first.tally.snapshot.failed >= 1 }
            trigger.triggerGracefulShutdown()
            await run.value
        }
        queue.expireVisibility()
        await worker(queue, copier: copier, table: table).run()
        #expect(table.rows == ["avatar/a.png"])
        #expect(queue.state.withLock { $0.deleted } == ["m0"])
    }

    @Test func shutdownStopsAnIdleWorkerPromptly() async throws {
        let queue = MemoryQueue(bodies: [])
        let worker = worker(queue, copier: MemoryCopier(), table: MemoryTable(), drain: false)
        // Measured from the trigger: the long poll lasts 20 s, so anything well below that is
        // the shutdown's doing (the margin is for a loaded machine).
        let stopped = try await testGracefulShutdown { trigger in
            let run = Task { await worker.run() }
            try await waitUntil("the worker's first (20 s) long poll") { queue.state.withLock { $0.receives } >= 1 }
            let triggered = ContinuousClock.now
            trigger.triggerGracefulShutdown()
            await run.value
            return ContinuousClock.now - triggered
        }
        #expect(stopped < .seconds(8))
    }

    @Test func databaseOutageHoldsMessagesWithoutRedeliveryAndPausesReceives() async {
        let keys = (1...8).map { "image/o\($0).png" }
        let queue = MemoryQueue(bodies: keys.map { Self.body(keys: [$0]) })
        let table = MemoryTable(rows: keys)
        table.state.withLock { $0.failuresBeforeSuccess = 1500 }  // an outage spanning many attempts (about a second)
        let worker = worker(queue, copier: MemoryCopier(sources: keys), table: table)
        await worker.run()
        let state = queue.state.withLock { $0 }
        #expect(state.deleted.count == 8)
        #expect(table.rows.allSatisfy { $0.hasPrefix("avatar/") })
        #expect(worker.tally.snapshot.failed == 0)
        #expect(worker.tally.snapshot.messagesReceived == 8)  // nothing was received twice
        #expect(state.extensions > 0)  // the heartbeat kept them invisible meanwhile
        #expect(worker.health.outage == nil)
    }
}
