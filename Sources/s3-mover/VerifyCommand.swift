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
        source objects (matching prefix and suffix) not yet copied. Runs in constant memory by merging sorted listings.
        """)

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let logger = LogSetup.logger()
        let complete = try await Failure.guarding {
            let settings = try self.settings.settings()
            let runtime = try Runtime(settings: settings, logger: logger)
            defer { runtime.shutdown() }
            try await runtime.checkDatabase()
            let verifier = Verifier(
                s3: try runtime.s3(), database: runtime.database, table: try runtime.avatarTable(),
                sourceBucket: try settings.bucket(.sourceBucket), destinationBucket: try settings.bucket(.destinationBucket),
                mapper: try settings.keyMapper(), retry: runtime.retry, logger: logger)
            let report = try await verifier.run()
            Summary.lines(report).forEach { print($0) }
            return report.isComplete
        }
        guard complete else { throw ExitCode(1) }
    }
}
