public import Logging
import ServiceLifecycle

/// Migrates one object: server-side copy, then repoint its rows, then report done.
///
/// The same handler serves live events and the backfill. Each step is idempotent, so a crash
/// between any two steps leaves a state that simply running the handler again completes:
/// a second copy rewrites the same bytes, and the update matches rows by their old path.
public struct MigrationHandler: Sendable {
    public let mapper: KeyMapper
    public let copier: any ObjectCopier
    public let repointer: any PathRepointer
    public let retry: RetryPolicy
    public let logger: Logger
    /// Every copy attempt takes a slot of this window, which throttling narrows and successes
    /// widen (AIMD); nil: no limit but the callers'.
    public let window: AdaptiveWindow?

    public init(mapper: KeyMapper, copier: any ObjectCopier, repointer: any PathRepointer,
                retry: RetryPolicy = RetryPolicy(), logger: Logger, window: AdaptiveWindow? = nil) {
        self.mapper = mapper
        self.copier = copier
        self.repointer = repointer
        self.retry = retry
        self.logger = logger
        self.window = window
    }

    /// Migrates `sourceKey`. Returns when the copy exists and the rows are committed, or the object
    /// is not ours; throws ``MigrationError`` when the work must be retried later.
    ///
    /// - Parameters:
    ///   - eTag: when the event carried one, the copy only proceeds if the source still has it.
    ///   - versionId: when the event carried one and it is no longer the source's current version,
    ///     the object is skipped as superseded; the copy always takes the current version.
    ///   - size: the object's size when known (from the event or the listing); large objects are
    ///     copied in parts.
    ///   - listedETag, storageClass: what a listing showed of the object; they save requests.
    ///   - facts: filled with what the migration learns of the object, for its ledger entry.
    ///   - rowWait: when given, a copied object that no row references yet is rechecked until a
    ///     row appears or the window passes (rows saved after their upload).
    public func migrate(sourceKey: String, eTag: ETag? = nil, versionId: VersionID? = nil, size: Int64? = nil,
                        listedETag: ETag? = nil, storageClass: StorageClass? = nil, destinationAbsent: Bool = false, rowWait: RowWait? = nil,
                        facts: MigrationFacts? = nil) async throws -> MigrationOutcome {
        if mapper.isDestinationKey(sourceKey) { return .skipped(.destinationKey) }
        guard let destinationKey = mapper.destinationKey(for: sourceKey) else { return .skipped(.notSourceKey) }
        let hints = SourceHints(eTag: eTag, versionId: versionId, size: size, listedETag: listedETag, storageClass: storageClass,
                                destinationAbsent: destinationAbsent)
        facts?.update { known in
            known.sourceVersion = versionId?.value
            known.sourceETag = (eTag ?? listedETag)?.value
            known.size = size
            known.destinationKey = destinationKey
        }
        return try await MoverMetrics.inFlight {
            try await copyAndRepoint(sourceKey: sourceKey, destinationKey: destinationKey, hints: hints, rowWait: rowWait, facts: facts)
        }
    }

    private func copyAndRepoint(sourceKey: String, destinationKey: String, hints: SourceHints, rowWait: RowWait?,
                                facts: MigrationFacts?) async throws -> MigrationOutcome {

        let copy: CopyOutcome
        var attemptHints = hints
        do {
            copy = try await retry.run(in: window) {
                defer { attemptHints.destinationAbsent = false }  // a failed attempt may have written it
                return try await MoverMetrics.timedCopy {
                    try await copier.copy(sourceKey: sourceKey, destinationKey: destinationKey, hints: attemptHints)
                }
            } onRetry: { error, attempt, delay in
                logger.debug("retrying copy", metadata: ["key": "\(sourceKey)", "error": "\(error.failureCode)", "attempt": "\(attempt)"])
            }
        } catch {
            throw MigrationError.wrapping(error, step: .copy, key: sourceKey)
        }

        switch copy {
        case .copied(let copied):
            facts?.update { known in
                known.sourceVersion = copied.sourceVersion ?? known.sourceVersion
                known.sourceETag = copied.sourceETag?.value ?? known.sourceETag
                known.size = copied.size ?? known.size
                known.destinationETag = copied.destinationETag?.value
            }
        case .sourceChanged:
            return .skipped(.superseded)
        case .conflict(let reason):
            // The destination's bytes stay, and so do the rows: whoever wrote the destination
            // (the application, after the switch) points its own rows at it. Rows still at the
            // source path keep leading to the source's bytes until an operator resolves it.
            logger.warning("destination kept: it holds other, newer bytes than the source (conflict)", metadata: [
                "key": "\(sourceKey)", "destination": "\(destinationKey)", "outcome": "conflict", "reason": "\(reason)",
            ])
            return .conflict(rows: 0, reason: reason)
        case .notIdentical(let reason):
            throw MigrationError(step: .verify, key: sourceKey, code: "CopyNotIdentical",
                                 underlying: "the copy at \(destinationKey) is not identical to its source: \(reason)")
        case .sourceMissing:
            // Gone from the source: finish the job only if an earlier run already copied it.
            let present: Bool
            do {
                present = try await retry.run { try await copier.destinationExists(destinationKey) }
            } catch {
                throw MigrationError.wrapping(error, step: .copy, key: sourceKey)
            }
            guard present else {
                throw MigrationError(step: .sourceMissing, key: sourceKey, code: "NoSuchKey",
                                     underlying: "the source object does not exist and was never copied")
            }
        }

        var repoint = try await repointOnce(sourceKey: sourceKey, destinationKey: destinationKey)
        if repoint == .noRow, let rowWait, rowWait.window > .zero {
            repoint = try await waitForRow(sourceKey: sourceKey, destinationKey: destinationKey, rowWait)
        }
        switch repoint {
        case .updated(let rows): return .migrated(rows: rows)
        case .alreadyRepointed: return .alreadyMigrated
        case .noRow:
            logger.info("object copied but no row references it", metadata: ["key": "\(sourceKey)"])
            return .copiedWithoutRow
        }
    }

    private func repointOnce(sourceKey: String, destinationKey: String) async throws -> RepointOutcome {
        do {
            return try await retry.run {
                try await MoverMetrics.timedUpdate {
                    try await repointer.repoint(from: sourceKey, to: destinationKey)
                }
            } onRetry: { error, attempt, delay in
                logger.debug("retrying update", metadata: ["key": "\(sourceKey)", "error": "\(error.failureCode)", "attempt": "\(attempt)"])
            }
        } catch {
            throw MigrationError.wrapping(error, step: .update, key: sourceKey)
        }
    }

    /// Rechecks the row with backoff until one appears, the window passes, or shutdown interrupts.
    private func waitForRow(sourceKey: String, destinationKey: String, _ rowWait: RowWait) async throws -> RepointOutcome {
        rowWait.began()
        let waited = rowWait.clock.stopwatch()
        logger.debug("object copied; waiting for its row", metadata: ["key": "\(sourceKey)", "window": "\(rowWait.window)"])
        var attempt = 0
        while true {
            let elapsed = waited()
            guard elapsed < rowWait.window else { return .noRow }
            attempt += 1
            let pause = min(rowWait.backoff.delay(attempt: attempt), rowWait.window - elapsed)
            await GracefulPause.sleep(for: pause, on: rowWait.clock)
            if Task.isShuttingDownGracefully || Task.isCancelled {
                throw MigrationError(step: .rowWait, key: sourceKey, code: "RowWaitInterrupted",
                                     underlying: "shut down while waiting for a row; the message is left for redelivery")
            }
            let outcome = try await repointOnce(sourceKey: sourceKey, destinationKey: destinationKey)
            if outcome != .noRow { return outcome }
        }
    }
}
