import AWS
import Logging
import ArgumentParser
import MoverCore
import MoverRuntime

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Migrates every existing object under the source prefix, through the same handler as the worker.",
        discussion: """
        Lists S3_SOURCE_BUCKET_NAME under S3_OBJECT_SOURCE_PREFIX page by page and copies while it is still listing. \
        Safe to run again, and safe to run while the worker runs: repeats are no-ops. \
        Exits 0 when every object succeeded, 1 otherwise, with a summary. `s3-mover --backfill` is the same command.
        """)

    @OptionGroup var settings: SettingsOptions

    @Flag(help: "Create the index on the path column if it is missing (CREATE INDEX CONCURRENTLY: writes go on meanwhile).")
    var createIndex = false

    @Option(help: "Objects migrated at once.")
    var concurrency = 64

    @Option(help: "Resume the listing after this key (every key up to it is taken as done).")
    var startAfter: String?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let logger = LogSetup.logger()
        let (runtime, backfill) = try await Failure.guarding {
            let settings = try self.settings.settings()
            let sourceBucket = try settings.bucket(.sourceBucket)
            _ = try settings.bucket(.destinationBucket)
            let runtime = try Runtime(settings: settings, logger: logger)
            let mapper = try settings.keyMapper()
            let s3 = try runtime.s3()
            // Fail fast, before touching anything: wrong credentials, a missing bucket, a missing table.
            _ = try await s3.listObjectsPage(bucket: sourceBucket, prefix: mapper.sourceListPrefix, maxKeys: 1)
            try await runtime.checkDatabase()
            await runtime.checkPathIndex(create: createIndex)
            let backfill = Backfill(
                lister: S3SourceLister(client: s3, bucket: sourceBucket, prefix: mapper.sourceListPrefix),
                handler: try runtime.handler(), tally: MigrationTally(), concurrency: concurrency, logger: logger)
            return (runtime, backfill)
        }
        defer { runtime.shutdown() }

        let started = ContinuousClock.now
        let task = Task { await backfill.run(startAfter: startAfter) }
        let shutdown = ShutdownSignal()
        Signals.install(shutdown) { number in
            logger.notice("signal received; stopping the backfill", metadata: ["signal": "\(number)"])
            task.cancel()
        }
        let result = await task.value
        for line in Summary.lines(result.tally, elapsed: ContinuousClock.now - started, listed: result.listed) {
            print(line)
        }
        if let error = result.listingError { print("listing stopped early: \(error)") }
        guard result.succeeded else { throw ExitCode(1) }
    }
}
