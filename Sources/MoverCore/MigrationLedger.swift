import Synchronization

/// One line of the audit trail (`--ledger FILE`): what was done to one object, and why.
public struct LedgerEntry: Sendable, Hashable {
    /// `migrated`, `already-migrated`, `copied-no-row`, `conflict`, `skipped` or `failed`.
    public enum Outcome: String, Sendable, Hashable {
        case migrated
        case conflict
        case alreadyMigrated = "already-migrated"
        case copiedNoRow = "copied-no-row"
        case skipped
        case failed
    }

    /// What the migration learnt of the object.
    public var facts: MigrationFacts.Known
    /// Rows repointed by this attempt.
    public var rows: Int?
    public var outcome: Outcome
    /// Why it was skipped or failed (the skip reason; the failed step, its code and message).
    public var reason: String?

    public init(_ facts: MigrationFacts, outcome: MigrationOutcome) {
        self.init(facts)
        switch outcome {
        case .migrated(let rows):
            self.outcome = .migrated
            self.rows = rows
        case .alreadyMigrated: self.outcome = .alreadyMigrated
        case .copiedWithoutRow: self.outcome = .copiedNoRow
        case .conflict(let rows, let why):
            self.outcome = .conflict
            self.rows = rows
            reason = why
        case .skipped(let why):
            self.outcome = .skipped
            reason = why.rawValue
        case .enqueued, .planned, .repointedBack, .deleted, .wouldDelete:
            self.outcome = .skipped
            reason = outcome.label
        }
    }

    public init(_ facts: MigrationFacts, error: any Error) {
        self.init(facts)
        outcome = .failed
        if let error = error as? MigrationError {
            reason = "\(error.step.rawValue) \(error.code): \(error.underlying)"
        } else {
            reason = "\(error.failureCode): \(error)"
        }
    }

    private init(_ facts: MigrationFacts) {
        self.facts = facts.snapshot
        outcome = .failed
    }
}

/// Where ledger entries go. Called concurrently, once per object attempt.
public protocol MigrationLedger: Sendable {
    func record(_ entry: LedgerEntry)
}

/// What the handler learnt of one object while migrating it, for its ledger entry: filled as the
/// steps run (the hints first, then what the copy read and wrote).
public final class MigrationFacts: Sendable {
    public struct Known: Sendable, Hashable {
        public var sourceKey: String
        public var sourceVersion: String?
        public var sourceETag: String?
        public var size: Int64?
        public var destinationKey: String?
        public var destinationETag: String?
    }

    private let state: Mutex<Known>

    public init(sourceKey: String) {
        state = Mutex(Known(sourceKey: sourceKey))
    }

    public var snapshot: Known { state.withLock { $0 } }

    func update(_ change: (inout Known) -> Void) { state.withLock { change(&$0) } }
}
