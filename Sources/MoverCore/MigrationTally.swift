import Synchronization

/// Counters shared by every task of a run: what happened to each object and message.
public final class MigrationTally: Sendable {
    /// A snapshot of the counters.
    public struct Snapshot: Sendable, Hashable {
        /// Objects copied whose rows were repointed, and those rows.
        public var migrated = 0
        public var rowsUpdated = 0
        /// Objects already copied whose rows already pointed at the copy (a repeat).
        public var alreadyMigrated = 0
        /// Objects copied that no row references.
        public var copiedWithoutRow = 0
        /// Objects acknowledged without work, by reason (finalize's kept sources included).
        public var skipped: [SkipReason: Int] = [:]
        /// Objects that failed, and how many by (bounded) error code.
        public var failed = 0
        public var failedByCode: [String: Int] = [:]
        /// The worker's messages: received, deleted once done, left for redelivery, and not
        /// parseable (left for the dead-letter queue).
        public var messagesReceived = 0
        public var messagesDeleted = 0
        public var messagesKept = 0
        public var malformedMessages = 0
        /// `backfill --enqueue`: events put on the queue.
        public var enqueued = 0
        /// `--dry-run`: objects that would be copied (or rows pointed back), and their rows.
        public var planned = 0
        public var plannedRows = 0
        /// `rollback`: objects whose rows were pointed back at the source, and those rows.
        public var repointedBack = 0
        public var rowsRepointedBack = 0
        /// `finalize`: sources deleted (`--yes`), or that would be.
        public var deleted = 0
        public var wouldDelete = 0
        /// Objects whose destination held other, newer bytes, kept (``MigrationOutcome/conflict(rows:reason:)``).
        public var conflicts = 0
        /// When the first message was received, and when the last deletion succeeded.
        public var firstReceived: ContinuousClock.Instant?
        public var lastDeleted: ContinuousClock.Instant?

        /// Objects that reached their final state (migrated, repeated, or copied without a row).
        public var completed: Int {
            migrated + alreadyMigrated + copiedWithoutRow + enqueued + planned + repointedBack + deleted + wouldDelete + conflicts
        }
        /// `finalize`: sources kept for a reason of their own (see ``MigrationOutcome/keptReason``).
        public var kept: Int { [SkipReason.noCopy, .copyDiffers, .unproven, .rowAtSource].reduce(0) { $0 + skipped[$1, default: 0] } }
        public var skippedTotal: Int { skipped.values.reduce(0, +) }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    /// Records one object's outcome (and counts it in the metrics).
    public func record(_ outcome: MigrationOutcome) {
        MoverMetrics.record(outcome)
        state.withLock { tally in
            switch outcome {
            case .migrated(let rows):
                tally.migrated += 1
                tally.rowsUpdated += rows
            case .alreadyMigrated: tally.alreadyMigrated += 1
            case .copiedWithoutRow: tally.copiedWithoutRow += 1
            case .skipped(let reason): tally.skipped[reason, default: 0] += 1
            case .enqueued: tally.enqueued += 1
            case .conflict(let rows, _):
                tally.conflicts += 1
                tally.rowsUpdated += rows
            case .planned(let rows):
                tally.planned += 1
                tally.plannedRows += rows
            case .repointedBack(let rows):
                tally.repointedBack += 1
                tally.rowsRepointedBack += rows
            case .deleted: tally.deleted += 1
            case .wouldDelete: tally.wouldDelete += 1
            }
        }
    }

    /// Records one object that failed with `code` (kept per code only when the retry table
    /// bounds it; see ``RetryTable/boundedCode(_:)``).
    public func recordFailure(code: String) {
        MoverMetrics.failed(code)
        state.withLock { tally in
            tally.failed += 1
            tally.failedByCode[RetryTable.boundedCode(code), default: 0] += 1
        }
    }

    /// Records message-level events.
    public func recordMessages(received: Int = 0, deleted: Int = 0, kept: Int = 0, malformed: Int = 0) {
        MoverMetrics.messages(received: received, deleted: deleted, kept: kept)
        let now = received > 0 || deleted > 0 ? ContinuousClock.now : nil
        state.withLock { tally in
            if received > 0, tally.firstReceived == nil { tally.firstReceived = now }
            if deleted > 0 { tally.lastDeleted = now }
            tally.messagesReceived += received
            tally.messagesDeleted += deleted
            tally.messagesKept += kept
            tally.malformedMessages += malformed
        }
    }

    /// The counters now.
    public var snapshot: Snapshot { state.withLock { $0 } }
}
