import AWS
import Logging
import ArgumentParser
import MoverCore
import MoverRuntime
import Observability

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Long-polls SQS_QUEUE_URL for S3 ObjectCreated events and migrates each new object as it arrives (the default).",
        discussion: """
        A message is deleted only after every record in it is done (copied and its row committed, or copied and no \
        row appeared within --row-wait) or skipped for a stated reason (s3:TestEvent, another bucket, not under the source prefix, not ObjectCreated). A message that \
        fails, or cannot be parsed, stays on the queue for redelivery and, eventually, the dead-letter queue.
        Runs until SIGTERM or SIGINT: it then stops receiving, lets in-flight work finish within --shutdown-grace, \
        and exits 0.
        """)

    @OptionGroup var settings: SettingsOptions

    @Flag(help: "Create the index on the path column if it is missing (CREATE INDEX CONCURRENTLY: writes go on meanwhile).")
    var createIndex = false

    @Option(help: "Messages processed at once.")
    var concurrency = 32

    @Flag(inversion: .prefixedNo, help: "Halve the messages in flight on S3 throttling (SlowDown, 503) and grow back by one per window of successes, within --concurrency (AIMD).")
    var adaptiveConcurrency = true

    @Option(help: "Long-poll wait in seconds (0-20); --drain polls without waiting.")
    var waitSeconds = 20

    @Flag(help: "Exit 0 once the queue is empty and nothing is in flight (for tests and one-shot drain jobs).")
    var drain = false

    @Option(help: "Concurrent ReceiveMessage loops (default: concurrency / 16, 1 to 4).")
    var receivers: Int?

    @Option(name: .customLong("row-wait"), help: ArgumentHelp(
        "Overrides ROW_WAIT_SECONDS: how long a copied object waits for its row to appear (default 300; 0: not at all).",
        discussion: "Applications usually upload, then save the row; the event often arrives first. Meanwhile the message stays invisible, costs no receive count and holds no --concurrency slot; the row is repointed within about a second of its commit. After the window the message is acknowledged as copied-without-row (finish such rows with `backfill --from-rows`)."))
    var rowWait: String?

    @Option(help: ArgumentHelp("Append one JSON line per object handled to this file (the audit trail).",
                               discussion: "Each line: time, source_key, source_version, source_etag, size, destination_key, destination_etag, rows, outcome (migrated, already-migrated, copied-no-row, conflict, skipped, failed) and reason. A record retried later gets a line per attempt."))
    var ledger: String?

    @Option(help: "Seconds in-flight work may take after SIGTERM before it is abandoned (fits Kubernetes' default 30 s).")
    var shutdownGrace = 25

    @Flag(help: ArgumentHelp("Print the summary at exit as one JSON object instead of lines.",
                             discussion: "Every count, the skips by reason, the failures by code and the messages received, deleted and kept."))
    var json = false

    func validate() throws {
        guard (1...4096).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 4096 (got \(concurrency))") }
        guard (0...20).contains(waitSeconds) else { throw ValidationError("--wait-seconds must be between 0 and 20 (got \(waitSeconds))") }
        if let receivers, !(1...64).contains(receivers) { throw ValidationError("--receivers must be between 1 and 64 (got \(receivers))") }
        guard (0...3600).contains(shutdownGrace) else { throw ValidationError("--shutdown-grace must be between 0 and 3600 seconds (got \(shutdownGrace))") }
    }

    func run() async throws {
        let logger = LogSetup.logger()
        let ledger = try ledger.map { path in try Failure.guardingSync { try JSONLinesLedger(path: path) } }
        defer { ledger?.close() }
        let (runtime, run, metrics) = try await Failure.guarding {
            let settings = try self.settings.settings([.rowWait: rowWait])
            let runtime = try Runtime(settings: settings, logger: logger)
            _ = try settings.bucket(.sourceBucket)
            let options = WorkerRun.Options(
                queueURL: try settings.queueURL(),
                worker: .init(concurrency: concurrency, waitSeconds: waitSeconds, drain: drain, receivers: receivers),
                rowWait: try settings.rowWait(), createIndex: createIndex, ledger: ledger, adaptive: adaptiveConcurrency)
            let run = WorkerRun(runtime: runtime, options: options, logger: logger)
            let liveness = run.liveness
            let metrics = try await MetricsEndpoint.startIfConfigured(runtime: runtime, queueURL: options.queueURL, liveness: {
                let database = runtime.databaseLiveness()
                guard database.alive else { return HealthStatus(healthy: false, detail: database.detail ?? "database call stuck") }
                let check = liveness.check()
                return HealthStatus(healthy: check.alive, detail: check.detail)
            }, logger: logger)
            return (runtime, run, metrics)
        }
        defer { runtime.shutdown() }
        let started = ContinuousClock.now
        // The start-up checks, then the worker, in one service group with the probes. After
        // --shutdown-grace the group cancels the worker, which makes its unfinished messages
        // visible again.
        try await Failure.guarding {
            try await runtime.run(run, alongside: metrics?.services ?? [], shutdownGrace: .seconds(shutdownGrace))
        }
        let tally = run.tally.snapshot, elapsed = ContinuousClock.now - started
        if json {
            print(Summary.text(Summary.json(tally, elapsed: elapsed, listed: nil, succeeded: tally.failed == 0)))
        } else {
            Summary.lines(tally, elapsed: elapsed).forEach { print($0) }
        }
    }
}
