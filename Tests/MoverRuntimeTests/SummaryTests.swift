@testable import MoverCore
import MoverRuntime
import Testing

@Suite(.timeLimit(.minutes(2))) struct SummaryTests {
    @Test func workerSummaryShowsItsPaceFromFirstReceiveToLastDelete() {
        var tally = MigrationTally.Snapshot()
        tally.migrated = 100
        tally.rowsUpdated = 100
        tally.messagesReceived = 100
        tally.messagesDeleted = 100
        let start = ContinuousClock.now
        tally.firstReceived = start
        tally.lastDeleted = start + .milliseconds(500)
        let lines = Summary.lines(tally, elapsed: .seconds(2))
        #expect(lines.contains("elapsed           2.00 s (50 objects/s)"))
        #expect(lines.contains("receiving         0.50 s from the first message received to the last deleted (200 messages/s)"))
    }

    @Test func backfillSummaryHasNoReceivingLine() {
        var tally = MigrationTally.Snapshot()
        tally.migrated = 3
        let lines = Summary.lines(tally, elapsed: .seconds(1), listed: 3)
        #expect(lines.first == "listed            3")
        #expect(!lines.contains { $0.hasPrefix("receiving") })
    }
}
