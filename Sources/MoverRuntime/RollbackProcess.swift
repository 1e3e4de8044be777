public import AWS
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
    public let s3: S3Client
    public let sourceBucket: String
    public let destinationBucket: String
    public let mapper: KeyMapper
    /// How the destination side stores a key (for the dry run's row count).
    public let format: PathFormat
    /// Destination keys back to source keys (values in the formats of each side).
    public let repointer: any PathRepointer
    public let retry: RetryPolicy
    /// Set for `--dry-run`: count the rows instead of repointing them.
    public let counter: RowCounter?
    public let output: @Sendable (String) -> Void

    public init(s3: S3Client, sourceBucket: String, destinationBucket: String, mapper: KeyMapper, format: PathFormat = .key, repointer: any PathRepointer, retry: RetryPolicy,
                dryRunCounter: RowCounter? = nil, output: @escaping @Sendable (String) -> Void) {
        self.s3 = s3
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
        self.mapper = mapper
        self.format = format
        self.repointer = repointer
        self.retry = retry
        self.counter = dryRunCounter
        self.output = output
    }

    /// Repoints the rows at `object.key` (a destination key) back to its source key.
    public func process(_ object: SourceObject) async throws -> MigrationOutcome {
        let destinationPath = object.key
        guard let sourceKey = mapper.sourceKey(for: destinationPath) else { return .skipped(.notSourceKey) }
        let conflict: String?
        do {
            let heads = try await retry.run { [s3, sourceBucket, destinationBucket] in
                (try await s3.headObject(bucket: sourceBucket, key: sourceKey, checksums: true),
                 try await s3.headObject(bucket: destinationBucket, key: destinationPath, checksums: true))
            }
            guard let source = heads.0 else {
                throw MigrationError(step: .sourceMissing, key: sourceKey, code: "NoSuchKey",
                                     underlying: "s3://\(sourceBucket)/\(sourceKey) no longer exists; its rows stay at \(destinationPath)")
            }
            conflict = try await newerDestination(source: source, sourceKey: sourceKey, destination: heads.1, destinationKey: destinationPath)
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
            outcome = try await retry.run { try await repointer.repoint(from: destinationPath, to: sourceKey) }
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
        let decision = try await retry.run { [s3, sourceBucket, destinationBucket] in
            try await ContentReader(client: s3).decide(sourceBucket: sourceBucket, sourceKey: sourceKey, source,
                                                       destinationBucket: destinationBucket, destinationKey: destinationKey, destination)
        }
        if case .conflict(let reason) = decision { return "the destination \(reason)" }
        return nil
    }
}
