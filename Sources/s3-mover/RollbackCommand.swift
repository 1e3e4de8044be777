import ArgumentParser
import MoverCore
import MoverRuntime

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Repoints the rows from the destination path back to the source path, where the source object still exists.",
        discussion: """
        The way back after a cutover that must be undone. Reads the rows under S3_OBJECT_DEST_PREFIX (keyset \
        pagination, constant memory) and repoints each to its source path with the same batched UPDATE as the \
        migration, once a HeadObject shows that the source object still exists. A row whose source object is gone \
        stays where it is and is reported as failed (source-missing). A row whose destination the application wrote \
        after the switch (newer than the source, and different) also stays, reported as a conflict: it leads to the \
        newest bytes. The copies are left in place. \
        Stop the worker first, or it will migrate the rows again. Exits 0 when every row was handled.
        """)

    @OptionGroup var settings: SettingsOptions

    @Option(help: "Rows handled at once.")
    var concurrency = 64

    @Option(help: "Resume after this destination path (a previous run's resume point).")
    var startAfter: String?

    @Flag(help: "Only say which rows would be repointed; change nothing.")
    var dryRun = false

    @Option(help: "Write each failed row's path and the summary to this file as JSON lines.")
    var report: String?

    @OptionGroup var summary: SummaryOptions
    private var json: Bool { summary.json }

    func validate() throws {
        guard (1...4096).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 4096 (got \(concurrency))") }
    }

    func run() async throws {
        try await BackfillExecution.drive(settings, report: report, concurrency: concurrency, startAfter: startAfter, mode: .rollback,
                                          interactive: !dryRun, json: json) { runtime, settings in
            let process = try await runtime.rollbackProcess(dryRun: dryRun, output: BackfillExecution.perObject(json: json))
            let targets = try runtime.pathTargets()
            let lister = RowSourceLister(database: try runtime.database(), targets: targets, format: targets.destinationFormat,
                                         keyPrefix: try settings.keyMapper().destinationListPrefix)
            return (lister, { object, _ in try await process.process(object) })
        }
    }
}
