import ArgumentParser
import MoverCore
import MoverRuntime

struct FinalizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finalize",
        abstract: "Deletes the source objects that are safely migrated (with --delete-source --yes).",
        discussion: """
        The safe finish, after the application has switched and `backfill --from-rows` has swept the last rows. \
        Lists the source prefix and deletes a source object only on content evidence that its copy is identical: \
        the same MD5 ETag or full-object checksum on both sides, or, where nothing but the size compares (multipart \
        or SSE-KMS objects without a checksum), both objects read and hashed (SHA-256). Sizes that agree prove \
        nothing. No row may reference the source path, and the delete is conditional on the ETag that was compared, \
        so a newer upload is never deleted. Every other object is kept, with its reason (copy-missing, copy-differs, \
        unproven, still-referenced), in the output and in --report. Exits 1 when any source was kept. Without --yes \
        it is a dry run that says what it would delete. Needs s3:DeleteObject on the source prefix \
        (deploy/iam-policy.json, statement FinalizeDeleteSource).
        """)

    @OptionGroup var settings: SettingsOptions

    @Flag(help: "Delete source objects whose copies are proven identical and unreferenced (required).")
    var deleteSource = false

    @Flag(help: "Really delete; without it, finalize only reports what it would delete.")
    var yes = false

    @Flag(help: "Keep sources whose copies nothing but the size compares with, instead of reading both objects to prove them.")
    var keepUnproven = false

    @Option(help: "Objects checked at once.")
    var concurrency = 32

    @Option(help: "Resume the listing after this key (a previous run's resume point).")
    var startAfter: String?

    @Option(help: "Write each failed or kept object and the summary (deleted, kept, conflicts) to this file as JSON lines.")
    var report: String?

    @OptionGroup var summary: SummaryOptions
    private var json: Bool { summary.json }

    func validate() throws {
        guard deleteSource else { throw ValidationError("finalize needs --delete-source (the only finishing step so far)") }
        guard (1...4096).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 4096 (got \(concurrency))") }
    }

    func run() async throws {
        let perObject = BackfillExecution.perObject(json: json)
        if !yes { perObject("dry run: nothing is deleted without --yes") }
        try await BackfillExecution.drive(settings, report: report, concurrency: concurrency, startAfter: startAfter, mode: .finalize,
                                          interactive: false, json: json) { runtime, settings in
            let process = try await runtime.finalizeProcess(delete: yes, keepUnproven: keepUnproven, output: perObject)
            let lister = S3SourceLister(client: try runtime.s3(), bucket: try settings.bucket(.sourceBucket),
                                        prefix: try settings.keyMapper().sourceListPrefix)
            return (lister, { object, _ in try await process.process(object) })
        }
    }
}
