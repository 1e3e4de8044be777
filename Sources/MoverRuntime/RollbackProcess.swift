public import AWS
public import MoverCore

/// `rollback`: the way back. Each row under the destination prefix is repointed to its source
/// path, but only where the source object still exists; the copies stay where they are.
///
/// Driven by a ``Backfill`` over the rows (``RowSourceLister`` on the destination prefix), so it
/// has the backfill's batching, concurrency, summary, `--report` and graceful stop.
public struct RollbackProcess: Sendable {
    public let s3: S3Client
    public let sourceBucket: String
    public let mapper: KeyMapper
    /// How the destination side stores a key (for the dry run's row count).
    public let format: PathFormat
    /// Destination keys back to source keys (values in the formats of each side).
    public let repointer: any PathRepointer
    public let retry: RetryPolicy
    /// Set for `--dry-run`: count the rows instead of repointing them.
    public let counter: RowCounter?
    public let output: @Sendable (String) -> Void

    public init(s3: S3Client, sourceBucket: String, mapper: KeyMapper, format: PathFormat = .key, repointer: any PathRepointer, retry: RetryPolicy,
                dryRunCounter: RowCounter? = nil, output: @escaping @Sendable (String) -> Void) {
        self.s3 = s3
        self.sourceBucket = sourceBucket
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
        let present: Bool
        do {
            present = try await retry.run { [s3, sourceBucket] in try await s3.headObject(bucket: sourceBucket, key: sourceKey) != nil }
        } catch {
            throw MigrationError(step: .check, key: sourceKey, code: error.failureCode, underlying: "\(error)", failureClass: error.failureClass)
        }
        guard present else {
            throw MigrationError(step: .sourceMissing, key: sourceKey, code: "NoSuchKey",
                                 underlying: "s3://\(sourceBucket)/\(sourceKey) no longer exists; its rows stay at \(destinationPath)")
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
            throw MigrationError(step: .update, key: sourceKey, code: error.failureCode, underlying: "\(error)", failureClass: error.failureClass)
        }
        switch outcome {
        case .updated(let rows): return .repointedBack(rows: rows)
        case .alreadyRepointed: return .skipped(.alreadyBack)
        case .noRow: return .skipped(.noRow)
        }
    }
}
