import AWS
import ArgumentParser
import FoundationEssentials
import Logging
import MoverCore
import MoverRuntime
import Observability

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Migrates every existing object under the source prefix, through the same handler as the worker.",
        discussion: """
        Lists S3_SOURCE_BUCKET_NAME under S3_OBJECT_SOURCE_PREFIX page by page and copies while it is still listing. \
        Safe to run again, and safe to run while the worker runs: repeats are no-ops. Outages of S3 or PostgreSQL \
        are waited out (objects in flight are held and retried; nothing new starts meanwhile).

        WHICH SIDE WINS: a destination is written only when it is absent or older than its source (Last-Modified), \
        guarded by If-None-Match / If-Match where the server honours them; an identical one is left as it is. A \
        destination written after the source's current version and different from it (the application's, after \
        the switch) is kept: the object is a conflict, reported in the summary, --report, --ledger and the \
        s3mover_conflicts_total metric, and its row is not moved. Identical means by content: an MD5 ETag or a \
        full-object checksum on both sides, or both objects read and hashed; sizes alone prove nothing.

        Exits 0 when every object succeeded (conflicts included), 1 otherwise, with a summary and the resume point. \
        `s3-mover --backfill` is the same command.

        SCALING: one process copies up to --concurrency objects at once over kept-alive connections. Past one \
        machine, `--enqueue` puts one event per object on SQS_QUEUE_URL and the worker fleet shares the work \
        (scale the Deployment, or let KEDA do it). S3 allows about 3,500 copies/s per prefix: keep \
        --max-rate × processes under that.

        END-OF-WINDOW SWEEP: `--from-rows` reads the rows still under the source prefix (keyset pagination, \
        constant memory) instead of listing the bucket, and runs each through the same handler. It finishes rows \
        saved after the worker's --row-wait, or after the worker stopped, and costs one query per 1,000 rows \
        however large the bucket is. `verify` says when it would help.
        """)

    @OptionGroup var settings: SettingsOptions

    @Option(help: "Objects migrated at once.")
    var concurrency = 64

    @Option(help: "Resume the listing after this key (a previous run's resume point: every key up to it is done); with --manifest, FILE:LINE (every record up to that line of the manifest's file number FILE, from 0, is done).")
    var startAfter: String?

    @Flag(inversion: .prefixedNo, help: "Halve the objects in flight on S3 throttling (SlowDown, 503) and grow back by one per window of successes, within --concurrency (AIMD).")
    var adaptiveConcurrency = true

    @Option(help: "Start at most this many objects per second.")
    var maxRate: Double?

    @Flag(help: "Enumerate the rows still under the source prefix instead of listing the bucket (the end-of-window sweep).")
    var fromRows = false

    @Option(help: ArgumentHelp("Take only slice I of N of the keys (by a stable hash of each key), e.g. 0/4.",
                               discussion: "N processes with --shard 0/N … N-1/N share one bucket: every key is in exactly one slice. Each lists the whole prefix and skips the other slices' keys (counted as other-shard)."))
    var shard: String?

    @Option(help: "Like --shard, for a Kubernetes Indexed Job: N slices, this process's index from JOB_COMPLETION_INDEX.")
    var shards: Int?

    @Option(help: ArgumentHelp("List the bucket in up to this many ranges at once (default 4; 1: one listing).",
                               discussion: "The listing starts as one range. Once a range's first page comes back full, an idle lister cuts the unlisted rest of the range cut least often in two, at a point found with one-key listings, and lists the part after the cut; so the cuts follow the keys wherever they are dense, and a listing of one page is never cut. Each lister holds at most two pages, and the resume point is the first unfinished range's. Not for --manifest or --from-rows, which read in order."))
    var listParallel: Int?

    @Option(help: ArgumentHelp("Read the objects from an S3 Inventory report (s3://bucket/…/manifest.json) or a plain CSV of bucket,key[,versionId] (s3://bucket/list.csv) instead of listing the bucket.",
                               discussion: "The report's gzip-compressed CSV files are read in 8 MiB ranges in constant memory, each checked against the manifest's MD5checksum; keys are URL-decoded, rows of other buckets, non-current versions and delete markers are passed over. Works with --enqueue (the fleet shares the report), --dry-run and --shard. The resume point is FILE:LINE (the manifest's file number from 0, and a line of it): --start-after FILE:LINE reads on from there without reading the files before it again; --start-after KEY skips every record up to that key, in the report's order."))
    var manifest: String?

    @Flag(help: "Put one S3 event per object on SQS_QUEUE_URL for the worker fleet instead of copying.")
    var enqueue = false

    @Flag(help: "Only list what would be copied and how many rows would be repointed; change nothing.")
    var dryRun = false

    @Option(help: "Write each failed object and the summary to this file as JSON lines.")
    var report: String?

    @OptionGroup var summary: SummaryOptions
    private var json: Bool { summary.json }

    @Option(help: ArgumentHelp("Append one JSON line per object handled to this file (the audit trail).",
                               discussion: "Each line: time, source_key, source_version, source_etag, size, destination_key, destination_etag, rows, outcome (migrated, already-migrated, copied-no-row, conflict, skipped, failed) and reason."))
    var ledger: String?

    @Flag(help: "Create the index on the path column if it is missing (CREATE INDEX CONCURRENTLY: writes go on meanwhile).")
    var createIndex = false

    func validate() throws {
        guard (1...4096).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 4096 (got \(concurrency))") }
        if let maxRate, !(maxRate.isFinite && maxRate > 0 && maxRate <= 1_000_000) {
            throw ValidationError("--max-rate must be a positive number of objects per second, at most 1000000 (got \(maxRate))")
        }
        if enqueue && dryRun { throw ValidationError("--enqueue and --dry-run exclude each other") }
        if manifest != nil && fromRows { throw ValidationError("--manifest and --from-rows exclude each other") }
        if let listParallel {
            guard (1...64).contains(listParallel) else { throw ValidationError("--list-parallel must be between 1 and 64 (got \(listParallel))") }
            guard listParallel == 1 || (manifest == nil && !fromRows) else {
                throw ValidationError("--list-parallel applies to a listing of the bucket; --\(fromRows ? "from-rows" : "manifest") is read in order")
            }
        }
        if let shards, !(1...Shard.maximumCount).contains(shards) {
            throw ValidationError("--shards must be between 1 and \(Shard.maximumCount) (got \(shards))")
        }
        if ledger != nil && (enqueue || dryRun) {
            throw ValidationError("--ledger records objects handled; with --enqueue the workers handle them (give them --ledger), and --dry-run handles none")
        }
    }

    func run() async throws {
        let logger = LogSetup.logger()
        let report = try report.map { path in try Failure.guardingSync { try JSONLinesReport(path: path) } }
        let ledger = try ledger.map { path in try Failure.guardingSync { try JSONLinesLedger(path: path) } }
        defer { ledger?.close() }
        let (runtime, backfill) = try await Failure.guarding { try await prepare(logger: logger, report: report, ledger: ledger) }
        defer { runtime.shutdown() }
        try await BackfillExecution.run(backfill, runtime: runtime, startAfter: startAfter, report: report,
                                        interactive: !dryRun, json: json, logger: logger)
    }

    /// Validates settings, checks the dependencies and builds the run.
    private func prepare(logger: Logger, report: JSONLinesReport?, ledger: JSONLinesLedger?) async throws -> (Runtime, Backfill) {
        let settings = try self.settings.settings()
        let sourceBucket = try settings.bucket(.sourceBucket)
        let destinationBucket = try settings.bucket(.destinationBucket)
        let runtime = try Runtime(settings: settings, logger: logger, needsDatabase: !enqueue || fromRows)
        let mapper = try settings.keyMapper()
        let s3 = try runtime.s3()
        // Fail fast, before touching anything: wrong credentials, a missing bucket, table or queue.
        _ = try await s3.listObjectsPage(bucket: sourceBucket, prefix: mapper.sourceListPrefix, maxKeys: 1)
        var process: Backfill.Process?
        var pathIndexed = true
        if enqueue {
            let queueURL = try settings.queueURL()
            let sqs = try runtime.sqs()
            _ = try await sqs.queueAttributes(queueURL: queueURL, names: ["QueueArn"])
            let enqueuer = BackfillEnqueuer(sqs: sqs, queueURL: queueURL, sourceBucket: sourceBucket, mapper: mapper)
            process = { object, _ in try await enqueuer.process(object) }
        }
        if !enqueue || fromRows { try await runtime.checkDatabase() }
        if !enqueue {
            if dryRun {
                let planner = DryRunPlanner(database: try runtime.database(), targets: try runtime.pathTargets(), mapper: mapper,
                                            sourceBucket: sourceBucket, destinationBucket: destinationBucket,
                                            output: BackfillExecution.perObject(json: json))
                process = { object, _ in try await planner.process(object) }
            } else {
                pathIndexed = await runtime.checkPathIndex(create: createIndex)
            }
        }
        let listed: any SourceLister = if let manifest {
            try await runtime.manifestLister(manifest)
        } else if fromRows {
            RowSourceLister(database: try runtime.database(), targets: try runtime.pathTargets(), format: try runtime.pathTargets().sourceFormat,
                            keyPrefix: mapper.sourceListPrefix)
        } else {
            S3SourceLister(client: s3, bucket: sourceBucket, prefix: mapper.sourceListPrefix)
        }
        // Each mode builds what it uses: only the migration has a handler, a window and a ledger.
        let health = DependencyHealth()
        var window: AdaptiveWindow?
        let lister: any SourceLister
        let work: Backfill.Process
        if let process {
            (work, lister) = (process, listed)
        } else {
            window = adaptiveConcurrency ? AdaptiveWindow(maximum: concurrency) : nil
            work = Backfill.migrating(try runtime.handler(pathIndexed: pathIndexed, window: window, health: health))
            lister = try runtime.scanningDestination(listed, mapper: mapper)
        }
        let backfill = Backfill(
            lister: lister, listingParallelism: listParallel ?? 4, process: work, retry: runtime.retry, window: window,
            tally: MigrationTally(), ledger: ledger, concurrency: concurrency, health: health, maxRate: maxRate,
            onFailure: BackfillExecution.onFailure(report), onOutcome: BackfillExecution.onOutcome(report),
            shard: try settings.shard(explicit: shard, shards: shards), logger: logger)
        return (runtime, backfill)
    }
}
