import AWS
public import MoverCore

/// `rollback`: the way back. Each row under the destination prefix is repointed to its source
/// path, but only where the source object still exists and holds the newest bytes; the copies
/// stay where they are.
///
/// After the switch the application may have written the destination (a user changed their
/// avatar). Such a row is **kept where it is**, as a reported conflict, rather than pointed
/// back at the legacy bytes: the destination differs from the source and was written after the
/// source's current version (``DestinationRule``'s ordering). Copying it back into the legacy
/// bucket instead would write to a bucket being retired, with a permission the rollback does
/// not otherwise need, and a later backfill would still find the destination newer; keeping
/// the row leads it to the newest bytes either way.
///
/// Driven by a ``Backfill`` over the rows (``RowSourceLister`` on the destination prefix), so it
/// has the backfill's batching, concurrency, summary, `--report` and graceful stop.
public struct RollbackProcess: Sendable {
    /// Both buckets, and the retry policy every read and repoint goes through.
    public let buckets: BucketPair
    public let mapper: KeyMapper
    /// How the destination side stores a key (for the dry run's row count).
    public let format: PathFormat
    /// Destination keys back to source keys (values in the formats of each side).
    public let repointer: any PathRepointer
    /// Set for `--dry-run`: count the rows instead of repointing them.
    public let counter: RowCounter?
    public let output: @Sendable (String) -> Void

    /// Repoints the rows at `object.key` (a destination key) back to its source key.
    public func process(_ object: SourceObject) async throws -> MigrationOutcome {
        let destinationPath = object.key
        guard let sourceKey = mapper.sourceKey(for: destinationPath) else { return .skipped(.notSourceKey) }
        let conflict: String?
        do {
            let heads = try await buckets.heads(sourceKey: sourceKey, destinationKey: destinationPath)
            guard let source = heads.source else {
                throw MigrationError(step: .sourceMissing, key: sourceKey, code: "NoSuchKey",
                                     underlying: "s3://\(buckets.source)/\(sourceKey) no longer exists; its rows stay at \(destinationPath)")
            }
            conflict = try await newerDestination(source: source, sourceKey: sourceKey, destination: heads.destination, destinationKey: destinationPath)
        } catch {
            throw MigrationError.wrapping(error, step: .check, key: sourceKey)
        }
        if let conflict {
            output("kept rows at \(destinationPath): \(conflict)")
            return .conflict(rows: 0, reason: conflict)
        }
        if let counter {
            let rows = try await counter.rows(at: format.value(for: destinationPath))
            output("would repoint \(rows) row(s) from \(destinationPath) back to \(sourceKey)")
            return .planned(rows: rows)
        }
        let outcome: RepointOutcome
        do {
            outcome = try await buckets.retry.run { try await repointer.repoint(from: destinationPath, to: sourceKey) }
        } catch {
            throw MigrationError.wrapping(error, step: .update, key: sourceKey)
        }
        switch outcome {
        case .updated(let rows): return .repointedBack(rows: rows)
        case .alreadyRepointed: return .skipped(.alreadyBack)
        case .noRow: return .skipped(.noRow)
        }
    }

    /// Why the rows must stay at the destination (the application wrote it after the switch),
    /// or nil when the source holds the newest bytes (identical, or newer).
    private func newerDestination(source: S3ObjectMetadata, sourceKey: String, destination: S3ObjectMetadata?,
                                  destinationKey: String) async throws -> String? {
        guard let destination else { return nil }  // no copy: the source is all there is
        let decision = try await buckets.decide(sourceKey: sourceKey, source, destinationKey: destinationKey, destination)
        if case .conflict(let reason) = decision { return "the destination \(reason)" }
        return nil
    }
}
