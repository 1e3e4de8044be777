import AWS
import Logging
import ArgumentParser
import MoverCore
import MoverRuntime

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Creates N dummy avatars: N small PNGs image/avatar-<i>.png in the source bucket and N rows.",
        discussion: "Creates the table (id SERIAL PRIMARY KEY, path VARCHAR) if missing. Rows that already exist are not duplicated.")

    @OptionGroup var settings: SettingsOptions

    @Argument(help: "How many avatars to create.")
    var count: Int

    @Option(help: "Number of the first avatar (to add more later without overlap).")
    var first = 1

    @Option(help: "Uploads at once.")
    var concurrency = 64

    func validate() throws {
        guard (1...100_000_000).contains(count) else { throw ValidationError("N must be between 1 and 100000000 (got \(count))") }
        guard first >= 0 && first <= Int.max - count else { throw ValidationError("--first must not be negative or overflow with N (got \(first))") }
        guard (1...4096).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 4096 (got \(concurrency))") }
    }

    func run() async throws {
        let logger = LogSetup.logger()
        try await Failure.guarding {
            let settings = try self.settings.settings()
            let bucket = try settings.bucket(.sourceBucket)
            let runtime = try Runtime(settings: settings, logger: logger)
            defer { runtime.shutdown() }
            let seeder = Seeder(
                s3: try runtime.s3(), database: try runtime.database(), targets: try runtime.pathTargets(), bucket: bucket,
                mapper: try settings.keyMapper(), concurrency: concurrency, retry: runtime.retry, logger: logger)
            let started = ContinuousClock.now
            let result = try await seeder.run(count: count, first: first)
            print("seeded \(result.uploaded) objects into s3://\(bucket)/\(seeder.key(first)) … and \(result.rowsInserted) new rows in \(ContinuousClock.now - started)")
        }
    }
}
