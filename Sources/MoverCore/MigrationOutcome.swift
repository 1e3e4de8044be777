/// Why an object or event was acknowledged without being migrated.
public enum SkipReason: String, Sendable, Hashable, CaseIterable {
    /// The key is not under the source prefix or lacks the suffix.
    case notSourceKey = "not-source-key"
    /// The key is under the destination prefix (source and destination share a bucket): no copy loops.
    case destinationKey = "destination-key"
    /// The event names a bucket other than the configured source bucket.
    case foreignBucket = "foreign-bucket"
    /// Not an `ObjectCreated` event.
    case notObjectCreated = "event-type"
    /// The object was overwritten after the event; a newer event exists for it.
    case superseded = "superseded"
    /// `s3:TestEvent`.
    case testEvent = "test-event"
    /// `rollback`: the rows already point at the source path.
    case alreadyBack = "already-back"
    /// `rollback`: no row points at either path any more.
    case noRow = "no-row"
    /// `finalize`: kept, because the destination has no copy.
    case noCopy = "copy-missing"
    /// `finalize`: kept, because the copy differs from the source.
    case copyDiffers = "copy-differs"
    /// `finalize`: kept, because nothing but the size compares and the bytes were not read
    /// (`--keep-unproven`).
    case unproven = "unproven"
    /// `finalize`: kept, because a row still references the source path.
    case rowAtSource = "still-referenced"
    /// `--shard I/N`: the key is in another process's slice.
    case otherShard = "other-shard"
}

/// The end state of one object run through the handler.
public enum MigrationOutcome: Sendable, Hashable {
    /// Copied and `rows` rows repointed.
    case migrated(rows: Int)
    /// Copied (or already there) and the rows already pointed at the destination: a repeat.
    case alreadyMigrated
    /// Copied, but no row references the object.
    case copiedWithoutRow
    /// Acknowledged without work.
    case skipped(SkipReason)
    /// `backfill --enqueue`: an event for the object was put on the queue for the worker fleet.
    case enqueued
    /// `--dry-run`: would be copied (or, for `rollback`, its rows repointed back), and `rows`
    /// rows would be repointed.
    case planned(rows: Int)
    /// `rollback`: `rows` rows repointed from the destination path back to the source path.
    case repointedBack(rows: Int)
    /// `finalize --yes`: the source object was deleted.
    case deleted
    /// `finalize` without `--yes`: the source object would be deleted.
    case wouldDelete
    /// The destination held other, newer bytes (the application's, after the switch): they were
    /// kept, nothing was written, and no row was moved (`rows` is 0). `reason` says what was found.
    case conflict(rows: Int, reason: String)

    /// `finalize`: the source object is kept, for this reason.
    public var keptReason: SkipReason? {
        guard case .skipped(let reason) = self, [.noCopy, .copyDiffers, .unproven, .rowAtSource].contains(reason) else { return nil }
        return reason
    }

    /// A short label for logs and metrics.
    public var label: String {
        switch self {
        case .migrated: "migrated"
        case .alreadyMigrated: "already-migrated"
        case .copiedWithoutRow: "copied-without-row"
        case .skipped(let reason): "skipped:\(reason.rawValue)"
        case .enqueued: "enqueued"
        case .planned: "planned"
        case .repointedBack: "repointed-back"
        case .deleted: "deleted"
        case .wouldDelete: "would-delete"
        case .conflict: "conflict"
        }
    }
}

/// The object could not be migrated; the work must be left for a retry.
public struct MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which step failed.
    public enum Step: String, Sendable {
        case copy, update
        case sourceMissing = "source-missing"
        /// Shut down while waiting for a row (see ``RowWait``): not the object's fault.
        case rowWait = "row-wait"
        /// The copy is not proven identical to its source (``CopyProof``); its row stays.
        case verify
        /// `rollback`, `finalize`: reading the objects or the rows failed.
        case check
        /// `finalize`: the delete failed.
        case delete
    }
    public var step: Step
    public var key: String
    /// The underlying error's code (S3 code, SQLSTATE...).
    public var code: String
    public var underlying: String
    /// Whether the dependency may recover (an outage, throttling) or the object itself is at fault.
    public var failureClass: FailureClass

    public init(step: Step, key: String, code: String, underlying: String, failureClass: FailureClass = .permanent) {
        self.step = step
        self.key = key
        self.code = code
        self.underlying = underlying
        self.failureClass = failureClass
    }

    public var description: String { "\(step.rawValue) failed for \(key): \(underlying)" }

    /// `error` as the failure of `step` for `key`, keeping its code and class; a
    /// ``MigrationError`` already says its step and stays as it is.
    public static func wrapping(_ error: any Error, step: Step, key: String) -> MigrationError {
        if let error = error as? MigrationError { return error }
        return MigrationError(step: step, key: key, code: error.failureCode, underlying: "\(error)", failureClass: error.failureClass)
    }
}

extension MigrationError: ClassifiedError {
    public var failureCode: String { code }
}
