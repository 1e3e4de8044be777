import Logging
import MoverCore
import Synchronization
import Testing

/// The one place an object's result is decided and recorded: each result, from what the work
/// returned or threw, and what the tally and the ledger hold after it.
@Suite(.timeLimit(.minutes(2)))
struct ObjectRunnerTests {
    final class MemoryLedger: MigrationLedger {
        let entries = Mutex<[LedgerEntry]>([])
        func record(_ entry: LedgerEntry) { entries.withLock { $0.append(entry) } }
    }

    static let shutDown = MigrationError(step: .rowWait, key: "image/a.png", code: "RowWaitInterrupted", underlying: "shut down")
    static let denied = MigrationError(step: .copy, key: "image/a.png", code: "AccessDenied", underlying: "denied")

    /// Runs one object whose work returns `outcome`, or throws `error`.
    func run(returning outcome: MigrationOutcome? = nil, throwing error: (any Error)? = nil)
        async -> (ObjectResult, MigrationTally.Snapshot, [LedgerEntry]) {
        let tally = MigrationTally()
        let ledger = MemoryLedger()
        let runner = ObjectRunner(tally: tally, ledger: ledger, logger: Logger(label: "test"))
        let result = await runner.run(MigrationFacts(sourceKey: "image/a.png")) {
            if let error { throw error }
            return outcome!
        }
        return (result, tally.snapshot, ledger.entries.withLock { $0 })
    }

    @Test func aCopyIsDoneAndRecordedOnce() async {
        let (result, tally, ledger) = await run(returning: .migrated(rows: 2))
        #expect(result == .done(.migrated(rows: 2)))
        #expect(tally.migrated == 1 && tally.rowsUpdated == 2 && tally.failed == 0)
        #expect(ledger.map(\.outcome) == [.migrated])
    }

    @Test func aSkipCarriesItsReason() async {
        let (result, tally, ledger) = await run(returning: .skipped(.superseded))
        #expect(result == .skipped(.superseded))
        #expect(tally.skipped == [.superseded: 1])
        #expect(ledger.map(\.reason) == ["superseded"])
    }

    @Test func aConflictIsItsOwnResult() async {
        let (result, tally, ledger) = await run(returning: .conflict(rows: 0, reason: "destination newer"))
        #expect(result == .conflict(reason: "destination newer"))
        #expect(tally.conflicts == 1 && tally.failed == 0)
        #expect(ledger.map(\.outcome) == [.conflict])
    }

    /// Shutdown mid-way is not the object's failure: it is left to be tried again, in the ledger
    /// (nothing goes unrecorded) but not counted as failed.
    @Test func aShutdownMidWayIsARetryNotAFailure() async {
        let (result, tally, ledger) = await run(throwing: Self.shutDown)
        #expect(result == .retry(after: .zero, Self.shutDown))
        #expect(tally.failed == 0)
        #expect(ledger.map(\.outcome) == [.failed])
    }

    @Test func aFailureKeepsItsCodeAndClass() async {
        let (result, tally, ledger) = await run(throwing: Self.denied)
        #expect(result == .failed(Self.denied))
        #expect(result.error?.failureClass == .permanent)
        #expect(tally.failed == 1 && tally.failedByCode == ["AccessDenied": 1])
        #expect(ledger.first?.reason == "copy AccessDenied: denied")
    }

    /// Another shard's object is that process's to record.
    @Test func anotherShardsObjectIsNotInThisLedger() async {
        let (result, tally, ledger) = await run(returning: .skipped(.otherShard))
        #expect(result == .skipped(.otherShard))
        #expect(tally.skipped == [.otherShard: 1])
        #expect(ledger.isEmpty)
    }
}
