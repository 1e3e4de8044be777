import Logging
import MoverCore
import ServiceLifecycleTestKit
import Synchronization
import Testing
import TestSupport

/// Rows saved after their upload: the handler's row wait, and the worker's permits while it waits.
@Suite(.timeLimit(.minutes(2))) struct RowWaitTests {
    let logger = Logger(label: "test")
    static let fastBackoff = Backoff(initial: .milliseconds(1), cap: .milliseconds(5), jitter: 1...1)

    func handler(_ copier: MemoryCopier, _ table: MemoryTable) -> MigrationHandler {
        MigrationHandler(mapper: KeyMapper(), copier: copier, repointer: table, retry: .fast, logger: logger)
    }

    @Test func aRowThatAppearsDuringTheWaitIsRepointed() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable()
        let began = Mutex(0)
        // The application commits its row just after the worker first finds none.
        let wait = RowWait(window: .seconds(30), backoff: Self.fastBackoff) {
            began.withLock { $0 += 1 }
            table.state.withLock { $0.rows.append("image/a.png") }
        }
        #expect(try await handler(copier, table).migrate(sourceKey: "image/a.png", rowWait: wait) == .migrated(rows: 1))
        #expect(table.rows == ["avatar/a.png"])
        #expect(began.withLock { $0 } == 1)
    }

    /// The production window and backoff, on a virtual clock: a row that never comes is looked
    /// for during the whole 5 minutes, about once a second at most, and then the object counts as
    /// copied without a row.
    @Test func noRowWithinTheWindowIsCopiedWithoutRow() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable()
        let clock = VirtualClock()
        let outcome = try await handler(copier, table).migrate(sourceKey: "image/a.png", rowWait: RowWait(clock: clock))
        #expect(outcome == .copiedWithoutRow)
        #expect(clock.elapsed == RowWait.defaultWindow, "the last pause ends the window exactly")
        #expect(clock.pauses.allSatisfy { $0 <= .seconds(1) })
        #expect(table.state.withLock { $0.attempts } > 300, "it looked again at least once a second")
    }

    @Test func withoutARowWaitTheFirstMissIsFinal() async throws {
        let table = MemoryTable()
        #expect(try await handler(MemoryCopier(sources: ["image/a.png"]), table).migrate(sourceKey: "image/a.png") == .copiedWithoutRow)
        #expect(table.state.withLock { $0.attempts } == 1)
    }

    /// Graceful shutdown ends the wait at once, leaving the object for redelivery.
    @Test func shutdownEndsTheWaitAndLeavesTheObjectForRedelivery() async throws {
        let handler = handler(MemoryCopier(sources: ["image/a.png"]), MemoryTable())
        await testGracefulShutdown { trigger in
            let wait = RowWait(window: .seconds(300), backoff: Backoff(initial: .seconds(60), cap: .seconds(60))) {
                trigger.triggerGracefulShutdown()
            }
            let started = ContinuousClock.now
            await #expect {
                try await handler.migrate(sourceKey: "image/a.png", rowWait: wait)
            } throws: { ($0 as? MigrationError)?.step == .rowWait }
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    /// Concurrency 1: the message waiting for its row gives its permit back, so the next message
    /// is migrated meanwhile, and the waiting one still completes once its row appears.
    @Test func aMessageWaitingForItsRowHoldsNoPermit() async throws {
        let keys = ["image/late.png", "image/ready.png"]
        let queue = MemoryQueue(bodies: keys.map { WorkerTests.body(keys: [$0]) })
        let table = MemoryTable(rows: ["image/ready.png"])
        let tally = MigrationTally()
        let processor = MessageProcessor(sourceBucket: "legacy", handler: handler(MemoryCopier(sources: keys), table),
                                         tally: tally, logger: logger, rowWait: .seconds(30))
        let worker = Worker(queue: queue, processor: processor, tally: tally,
                            configuration: .init(concurrency: 1, waitSeconds: 0, drain: true, receivers: 1), logger: logger)
        let run = Task { await worker.run() }
        // The other message completes while the first is still waiting for its row...
        try await waitUntil("the ready row to be repointed") { table.rows.contains("avatar/ready.png") }
        #expect(!table.rows.contains("avatar/late.png"))
        // ...and the late row, once committed, is repointed too.
        table.state.withLock { $0.rows.append("image/late.png") }
        await run.value
        #expect(table.rows.sorted() == ["avatar/late.png", "avatar/ready.png"])
        #expect(tally.snapshot.migrated == 2)
        #expect(Set(queue.state.withLock { $0.deleted }) == ["m0", "m1"])
    }
}
