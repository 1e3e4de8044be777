public import Logging

/// What became of one object: the one value its tally, metrics, ledger line, log line and (for
/// the worker) its message's fate are derived from.
public enum ObjectResult: Sendable, Hashable {
    /// Its work is done: copied (migrated, already migrated, copied without a row), or a mode's
    /// own work (enqueued, planned, repointed back, deleted, would delete).
    case done(MigrationOutcome)
    /// Acknowledged without work, for this reason (finalize's kept sources included).
    case skipped(SkipReason)
    /// The destination held other, newer bytes: they were kept, nothing was written, no row moved.
    case conflict(reason: String)
    /// Not the object's failure: stopped by shutdown mid-way (``MigrationError/Step/rowWait``),
    /// and left to be tried again after this long (zero: another consumer may take it at once).
    case retry(after: Duration, MigrationError)
    /// Failed after the retries and the outage hold; the error says the step, code and class.
    case failed(MigrationError)

    /// The result of an object whose work returned `outcome`.
    public init(_ outcome: MigrationOutcome) {
        switch outcome {
        case .skipped(let reason): self = .skipped(reason)
        case .conflict(_, let reason): self = .conflict(reason: reason)
        default: self = .done(outcome)
        }
    }

    /// The result of an object whose work threw `error` (a shutdown is not its failure).
    public init(_ error: MigrationError) {
        self = error.step == .rowWait ? .retry(after: .zero, error) : .failed(error)
    }

    /// What the object's work returned, unless it threw.
    public var outcome: MigrationOutcome? {
        switch self {
        case .done(let outcome): outcome
        case .skipped(let reason): .skipped(reason)
        case .conflict(let reason): .conflict(rows: 0, reason: reason)
        case .retry, .failed: nil
        }
    }

    /// The error, if the work threw.
    public var error: MigrationError? {
        switch self {
        case .done, .skipped, .conflict: nil
        case .retry(_, let error), .failed(let error): error
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
            result = ObjectResult(try await work())
        } catch {
            result = ObjectResult(MigrationError.wrapping(error, step: .check, key: facts.snapshot.sourceKey))
        }
        record(result, facts, metadata: metadata)
        return result
    }

    /// Records `result` in the ledger, the tally and the log.
    public func record(_ result: ObjectResult, _ facts: MigrationFacts, metadata: Logger.Metadata = [:]) {
        let key = facts.snapshot.sourceKey
        switch result {
        case .done, .skipped, .conflict:
            guard let outcome = result.outcome else { return }
            // Another shard's object is in that process's ledger, not in this one's.
            if outcome != .skipped(.otherShard) { ledger?.record(LedgerEntry(facts, outcome: outcome)) }
            tally.record(outcome)
            logger.debug("object processed", metadata: metadata.merging(["key": "\(key)", "outcome": "\(outcome.label)"]) { $1 })
        case .retry(_, let error):
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
