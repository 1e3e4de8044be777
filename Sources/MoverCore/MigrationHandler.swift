public import Logging

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

    public init(mapper: KeyMapper, copier: any ObjectCopier, repointer: any PathRepointer,
                retry: RetryPolicy = RetryPolicy(), logger: Logger) {
        self.mapper = mapper
        self.copier = copier
        self.repointer = repointer
        self.retry = retry
        self.logger = logger
    }

    /// Migrates `sourceKey`. Returns when the copy exists and the rows are committed, or the object
    /// is not ours; throws ``MigrationError`` when the work must be retried later.
    ///
    /// - Parameters:
    ///   - eTag: when the event carried one, the copy only proceeds if the source still has it.
    ///   - versionId: when the event carried one, that version is copied.
    ///   - size: the object's size when known (from the event or the listing); large objects are
    ///     copied in parts.
    public func migrate(sourceKey: String, eTag: String? = nil, versionId: String? = nil, size: Int64? = nil) async throws -> MigrationOutcome {
        if mapper.isDestinationKey(sourceKey) { return .skipped(.destinationKey) }
        guard let destinationKey = mapper.destinationKey(for: sourceKey) else { return .skipped(.notSourceKey) }
        let ifMatch = eTag.map { "\"\($0)\"" }
        return try await MoverMetrics.inFlight {
            try await copyAndRepoint(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, versionId: versionId, size: size)
        }
    }

    private func copyAndRepoint(
        sourceKey: String, destinationKey: String, ifMatch: String?, versionId: String?, size: Int64?
    ) async throws -> MigrationOutcome {

        let copy: CopyOutcome
        do {
            copy = try await retry.run {
                try await MoverMetrics.timedCopy {
                    try await copier.copy(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, versionId: versionId, size: size)
                }
            } onRetry: { error, attempt, delay in
                logger.debug("retrying copy", metadata: ["key": "\(sourceKey)", "error": "\(error.failureCode)", "attempt": "\(attempt)"])
            }
        } catch {
            throw MigrationError(step: .copy, key: sourceKey, code: error.failureCode, underlying: "\(error)",
                                 failureClass: error.failureClass)
        }

        switch copy {
        case .copied:
            break
        case .sourceChanged:
            return .skipped(.superseded)
        case .sourceMissing:
            // Gone from the source: finish the job only if an earlier run already copied it.
            let present: Bool
            do {
                present = try await retry.run { try await copier.destinationExists(destinationKey) }
            } catch {
                throw MigrationError(step: .copy, key: sourceKey, code: error.failureCode, underlying: "\(error)",
                                     failureClass: error.failureClass)
            }
            guard present else {
                throw MigrationError(step: .sourceMissing, key: sourceKey, code: "NoSuchKey",
                                     underlying: "the source object does not exist and was never copied")
            }
        }

        let repoint: RepointOutcome
        do {
            repoint = try await retry.run {
                try await MoverMetrics.timedUpdate {
                    try await repointer.repoint(from: sourceKey, to: destinationKey)
                }
            } onRetry: { error, attempt, delay in
                logger.debug("retrying update", metadata: ["key": "\(sourceKey)", "error": "\(error.failureCode)", "attempt": "\(attempt)"])
            }
        } catch {
            throw MigrationError(step: .update, key: sourceKey, code: error.failureCode, underlying: "\(error)",
                                 failureClass: error.failureClass)
        }

        switch repoint {
        case .updated(let rows): return .migrated(rows: rows)
        case .alreadyRepointed: return .alreadyMigrated
        case .noRow:
            logger.info("object copied but no row references it", metadata: ["key": "\(sourceKey)"])
            return .copiedWithoutRow
        }
    }
}
