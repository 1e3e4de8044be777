import AWS
import Logging
import ArgumentParser
import MoverCore
import MoverRuntime

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Reports whether the migration is complete; exits 0 only when it is.",
        discussion: """
        Checks three things: rows still under the source prefix; migrated rows whose destination object is missing; \
        source objects (matching prefix and suffix) not yet copied. With --deep, a fourth: every copy is compared with \
        its source by its content (an MD5 ETag or a full-object checksum on both sides), and the keys that differ are \
        listed. A pair whose sizes agree but nothing else compares (a multipart or SSE-KMS object without a checksum) is \
        unproven, which is not complete: --read reads and hashes both objects of each such pair. Runs in constant \
        memory by merging sorted listings. Exits 0 when complete, 1 when not.
        """)

    @OptionGroup var settings: SettingsOptions

    @Flag(help: ArgumentHelp("Also prove every copy identical to its source.",
                             discussion: "Size and ETag from the listings settle single-part copies without a request; multipart, SSE-KMS or differing ETags are read back with HeadObject and compared by size and checksums."))
    var deep = false

    @Flag(help: ArgumentHelp("With --deep: read and hash both objects of every pair that nothing but the size compares.",
                             discussion: "Streams both objects in 4 MiB ranged reads (SHA-256), in bounded memory whatever their size (one range per pair being read, --concurrency pairs at once); logs its progress every 10 s. Turns unproven into proven or differs."))
    var read = false

    @Option(help: ArgumentHelp("With --deep: pairs compared at once (1-64).",
                               discussion: "Each pair costs two HeadObject requests when the listings cannot settle it; with --read, each pair being read holds one 4 MiB range in memory."))
    var concurrency = 4

    @Flag(help: ArgumentHelp("Print the report as one JSON document instead of lines.",
                             discussion: "Every count, up to --samples keys for each finding, and \"complete\": true or false. The exit code is the same."))
    var json = false

    @Option(help: "Example keys to show for each finding (0-1000).")
    var samples = 10

    func validate() throws {
        guard (0...1000).contains(samples) else { throw ValidationError("--samples must be between 0 and 1000 (got \(samples))") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64 (got \(concurrency))") }
        guard !read || deep else { throw ValidationError("--read goes with --deep (it reads the pairs --deep cannot prove)") }
    }

    func run() async throws {
        let logger = LogSetup.logger()
        let complete = try await Failure.guarding {
            let settings = try self.settings.settings()
            let runtime = try Runtime(settings: settings, logger: logger)
            defer { runtime.shutdown() }
            try await runtime.checkDatabase()
            var verifier = Verifier(
                s3: try runtime.s3(), database: try runtime.database(), targets: try runtime.pathTargets(),
                sourceBucket: try settings.bucket(.sourceBucket), destinationBucket: try settings.bucket(.destinationBucket),
                mapper: try settings.keyMapper(), retry: runtime.retry, logger: logger)
            verifier.sampleLimit = samples
            verifier.concurrency = concurrency
            let report = try await verifier.run(deep: deep, read: read)
            if json {
                print(Summary.jsonText(report))
            } else {
                Summary.lines(report).forEach { print($0) }
            }
            return report.isComplete
        }
        guard complete else { throw ExitCode(1) }
    }
}
