public import Logging

/// What became of one object: the one value its tally, metrics, ledger line, log line and (for
/// the worker) its message's fate are derived from.
public enum ObjectResult: Sendable {
    /// A final state: copied (migrated, already migrated, copied without a row), skipped for a
    /// reason, a conflict, or a mode's own outcome (enqueued, planned, deleted...).
    case completed(MigrationOutcome)
    /// Stopped by shutdown before its end (``MigrationError/Step/rowWait``): not the object's
    /// failure; its message is left for redelivery.
    case interrupted(MigrationError)
    /// Failed after the retries and the outage hold; the error says the step, code and class.
    case failed(MigrationError)

    /// The error, unless the object completed.
    public var error: MigrationError? {
        switch self {
        case .completed: nil
        case .interrupted(let error), .failed(let error): error
        }
    }
}

/// The one path every object takes, worker and backfill alike (`--from-rows`, manifests and
/// shards are backfills): runs its work, turns what it returned or threw into an
/// ``ObjectResult``, and records that result in the tally (and so the metrics), the ledger and
/// the log, in one place.
public struct ObjectRunner: Sendable {
    public let tally: MigrationTally
    /// The audit trail (`--ledger`); nil: none.
    public let ledger: (any MigrationLedger)?
    public let logger: Logger

    public init(tally: MigrationTally, ledger: (any MigrationLedger)? = nil, logger: Logger) {
        self.tally = tally
        self.ledger = ledger
        self.logger = logger
    }

    /// Runs `work` for the object `facts` describes and records its result.
    ///
    /// - Parameter metadata: added to the object's log lines (the message id, for the worker).
    public func run(_ facts: MigrationFacts, metadata: Logger.Metadata = [:],
                    _ work: () async throws -> MigrationOutcome) async -> ObjectResult {
        let result: ObjectResult
        do {
            result = .completed(try await work())
        } catch {
            let failure = MigrationError.wrapping(error, step: .check, key: facts.snapshot.sourceKey)
            result = failure.step == .rowWait ? .interrupted(failure) : .failed(failure)
        }
        record(result, facts, metadata: metadata)
        return result
    }

    /// Records `result` in the ledger, the tally and the log.
    public func record(_ result: ObjectResult, _ facts: MigrationFacts, metadata: Logger.Metadata = [:]) {
        let key = facts.snapshot.sourceKey
        switch result {
        case .completed(let outcome):
            // Another shard's object is in that process's ledger, not in this one's.
            if outcome != .skipped(.otherShard) { ledger?.record(LedgerEntry(facts, outcome: outcome)) }
            tally.record(outcome)
            logger.debug("object processed", metadata: metadata.merging(["key": "\(key)", "outcome": "\(outcome.label)"]) { $1 })
        case .interrupted(let error):
            ledger?.record(LedgerEntry(facts, error: error))
            logger.info("shut down while the object was in flight; left for redelivery", metadata: metadata.merging([
                "key": "\(key)", "step": "\(error.step.rawValue)",
            ]) { $1 })
        case .failed(let error):
            ledger?.record(LedgerEntry(facts, error: error))
            tally.recordFailure(code: error.code)
            logger.warning("object failed", metadata: metadata.merging([
                "key": "\(key)", "outcome": "failed", "step": "\(error.step.rawValue)", "error_code": "\(error.code)",
                "error": "\(error.underlying)",
            ]) { $1 })
        }
    }
}
