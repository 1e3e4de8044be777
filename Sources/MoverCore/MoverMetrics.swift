import CoreMetrics
import Metrics

/// The names of the metrics s3-mover emits (Prometheus conventions: `_total` counters, seconds).
public enum MetricName {
    /// Objects copied to the destination (migrated, already migrated, or copied without a row).
    public static let objectsCopied = "s3mover_objects_copied_total"
    /// Objects acknowledged without a copy, by `reason` (a ``SkipReason`` raw value).
    public static let objectsSkipped = "s3mover_objects_skipped_total"
    /// Objects that failed and were left for a retry, by `reason` (the S3/SQS code, SQLSTATE or CURLcode).
    public static let objectsFailed = "s3mover_objects_failed_total"
    /// Rows repointed at the destination.
    public static let rowsUpdated = "s3mover_rows_updated_total"
    /// SQS messages received.
    public static let messagesReceived = "s3mover_messages_received_total"
    /// SQS messages deleted (every record done or skipped).
    public static let messagesDeleted = "s3mover_messages_deleted_total"
    /// SQS messages left for redelivery (a record failed, or the body is malformed).
    public static let messagesKept = "s3mover_messages_kept_total"
    /// Messages in progress whose visibility could not be extended: another consumer may get them.
    public static let messagesAtRisk = "s3mover_messages_visibility_lost_total"
    /// Retries of a copy, an update or a held object, by `cause` (the error code).
    public static let retries = "s3mover_retries_total"
    /// Objects being migrated right now.
    public static let inFlight = "s3mover_in_flight"
    /// Time per CopyObject (or multipart copy) attempt.
    public static let copyDuration = "s3mover_copy_duration_seconds"
    /// Time per row update, from request to commit.
    public static let databaseDuration = "s3mover_database_duration_seconds"
    /// From the S3 event's `eventTime` to the object's completion.
    public static let eventAge = "s3mover_event_age_seconds"
    /// The adaptive in-flight window (``AdaptiveWindow``).
    public static let concurrencyWindow = "s3mover_concurrency_window"
    /// Messages in the main and dead-letter queues, by `queue` and `state` (``QueueDepthMonitor``'s gauge).
    public static let queueMessages = "s3mover_queue_messages"
    /// Objects whose destination held other, newer bytes, which were kept (nothing written), by `mode`.
    public static let conflicts = "s3mover_conflicts_total"

    /// Every metric's `# HELP` text, for the exposition.
    public static let help: [String: String] = [
        objectsCopied: "Objects copied to the destination (migrated, already migrated, or copied without a row).",
        objectsSkipped: "Objects acknowledged without a copy, by reason.",
        objectsFailed: "Objects that failed and were left for a retry, by reason (S3 or SQS error code, SQLSTATE, CURLcode).",
        rowsUpdated: "Rows repointed at the destination path.",
        messagesReceived: "SQS messages received.",
        messagesDeleted: "SQS messages deleted (every record done or skipped).",
        messagesKept: "SQS messages left for redelivery (a record failed, or the body is malformed).",
        messagesAtRisk: "Messages in progress whose visibility could not be extended; another consumer may receive them.",
        retries: "Retries of a copy, an update or a held object, by cause (the error code).",
        inFlight: "Objects being migrated right now.",
        copyDuration: "Seconds per CopyObject (or multipart copy) attempt.",
        databaseDuration: "Seconds per row update, from request to commit.",
        eventAge: "Seconds from the S3 event's eventTime to the object's completion.",
        queueMessages: "Messages in the main and dead-letter queues, by queue and state (visible, in-flight).",
        concurrencyWindow: "Objects allowed in flight now: halved on throttling, grown by one per window of successes.",
        conflicts: "Objects whose destination held other, newer bytes (the application's): kept, nothing written.",
    ]
}

/// The metric handles, through swift-metrics: no-ops until the executable bootstraps a backend.
/// Callers use these functions only, so that no other file needs the metrics modules.
enum MoverMetrics {
    private static let objectsCopied = Counter(label: MetricName.objectsCopied)
    private static let rowsUpdated = Counter(label: MetricName.rowsUpdated)
    private static let messagesReceived = Counter(label: MetricName.messagesReceived)
    private static let messagesDeleted = Counter(label: MetricName.messagesDeleted)
    private static let messagesKept = Counter(label: MetricName.messagesKept)
    private static let messagesAtRisk = Counter(label: MetricName.messagesAtRisk)
    private static let inFlight = Meter(label: MetricName.inFlight)
    private static let copyDuration = Metrics.Timer(label: MetricName.copyDuration)
    private static let databaseDuration = Metrics.Timer(label: MetricName.databaseDuration)
    private static let eventAge = Metrics.Timer(label: MetricName.eventAge)

    static func record(_ outcome: MigrationOutcome) {
        switch outcome {
        case .migrated(let rows):
            objectsCopied.increment()
            rowsUpdated.increment(by: rows)
        case .alreadyMigrated, .copiedWithoutRow: objectsCopied.increment()
        case .skipped(let reason):
            Counter(label: MetricName.objectsSkipped, dimensions: [("reason", reason.rawValue)]).increment()
        case .conflict(let rows, _):
            Counter(label: MetricName.conflicts).increment()
            rowsUpdated.increment(by: rows)
        case .enqueued, .planned, .repointedBack, .deleted, .wouldDelete: break
        }
    }

    static func window(_ limit: Int) {
        Gauge(label: MetricName.concurrencyWindow).record(limit)
    }

    /// `reason` is bounded here, whatever the caller passes: a label set never grows with what a server invents.
    static func failed(_ reason: String) {
        Counter(label: MetricName.objectsFailed, dimensions: [("reason", RetryTable.boundedCode(reason))]).increment()
    }

    static func messages(received: Int, deleted: Int, kept: Int) {
        if received > 0 { messagesReceived.increment(by: received) }
        if deleted > 0 { messagesDeleted.increment(by: deleted) }
        if kept > 0 { messagesKept.increment(by: kept) }
    }

    static func messagesAtRisk(_ count: Int) { messagesAtRisk.increment(by: count) }

    static func retried(_ cause: String) {
        Counter(label: MetricName.retries, dimensions: [("cause", RetryTable.boundedCode(cause))]).increment()
    }

    static func eventCompleted(age: Duration) { eventAge.record(age) }

    /// Counts `body` in the in-flight gauge while it runs.
    static func inFlight<T>(_ body: () async throws -> T) async rethrows -> T {
        inFlight.increment()
        defer { inFlight.decrement() }
        return try await body()
    }

    /// Runs a copy attempt, recording its duration whether it succeeds or throws.
    static func timedCopy<T>(_ body: () async throws -> T) async rethrows -> T { try await timed(copyDuration, body) }

    /// Runs a row update, recording its duration whether it succeeds or throws.
    static func timedUpdate<T>(_ body: () async throws -> T) async rethrows -> T { try await timed(databaseDuration, body) }

    private static func timed<T>(_ timer: Metrics.Timer, _ body: () async throws -> T) async rethrows -> T {
        let started = ContinuousClock.now
        defer { timer.record(ContinuousClock.now - started) }
        return try await body()
    }
}

extension Metrics.Timer {
    /// Records a `Duration`.
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
