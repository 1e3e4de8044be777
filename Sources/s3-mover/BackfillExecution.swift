import ArgumentParser
import Logging
import MoverCore
import MoverRuntime
import Observability

/// Runs a backfill-driven command (backfill, rollback, finalize) to its end: one service group
/// with the metrics endpoint and the progress reporter, then the summary, the `--report`
/// summary line and the resume point. Exits 1 unless every object succeeded.
enum BackfillExecution {
    static func run(_ backfill: Backfill, runtime: Runtime, startAfter: String?, report: JSONLinesReport?,
                    mode: Summary.Mode = .migrate, interactive: Bool, json: Bool = false, logger: Logger) async throws {
        let metrics = try await Failure.guarding {
            try await MetricsEndpoint.startIfConfigured(runtime: runtime, queueURL: nil, liveness: {
                HealthStatus(healthy: true, detail: "backfill running")
            }, logger: logger)
        }
        let started = ContinuousClock.now
        let run = BackfillRun(backfill, startAfter: startAfter)
        let progress = ProgressReporter(tally: backfill.tally, backfill: backfill.progress, interactive: interactive && Terminal.isInteractive,
                                        logger: logger)
        // One lifecycle, as in the worker: SIGTERM (or SIGINT) stops the run.
        do {
            try await runtime.run(run, alongside: (metrics?.services ?? []) + [progress])
        } catch {
            logger.warning("service group ended with an error", metadata: ["error": "\(error)"])
        }
        guard let result = run.result else { throw ExitCode(1) }
        let elapsed = ContinuousClock.now - started
        if json {
            print(Summary.text(Summary.reportLine(result, elapsed: elapsed, mode: mode)))
        } else {
            for line in Summary.lines(result.tally, elapsed: elapsed, listed: result.listed, mode: mode) { print(line) }
            if let error = result.listingError { print("listing stopped early: \(error)") }
            if !result.succeeded, let resume = result.resumePoint { print("resume with: --start-after '\(resume)'") }
        }
        if let report {
            report.write(Summary.reportLine(result, elapsed: elapsed, mode: mode))
            report.close()
        }
        guard Summary.succeeded(result, mode: mode) else { throw ExitCode(1) }
    }

    /// Builds and runs a command that drives the backfill engine with work of its own
    /// (`rollback`, `finalize`): `make` checks the dependencies and returns what to list and what
    /// to do with each entry.
    static func drive(_ options: SettingsOptions, report path: String?, concurrency: Int, startAfter: String?, mode: Summary.Mode,
                      interactive: Bool, json: Bool,
                      make: (Runtime, Settings) async throws -> (lister: any SourceLister, process: Backfill.Process)) async throws {
        let logger = LogSetup.logger()
        let report = try path.map { path in try Failure.guardingSync { try JSONLinesReport(path: path) } }
        let (runtime, backfill) = try await Failure.guarding {
            let settings = try options.settings()
            let runtime = try Runtime(settings: settings, logger: logger)
            let (lister, process) = try await make(runtime, settings)
            let backfill = Backfill(lister: lister, process: process, retry: runtime.retry, tally: MigrationTally(), concurrency: concurrency,
                                    onFailure: onFailure(report), onOutcome: onOutcome(report), logger: logger)
            return (runtime, backfill)
        }
        defer { runtime.shutdown() }
        try await run(backfill, runtime: runtime, startAfter: startAfter, report: report, mode: mode, interactive: interactive, json: json,
                      logger: logger)
    }

    /// Where a command's line per object goes: stdout, or stderr when stdout carries `--json`.
    static func perObject(json: Bool) -> @Sendable (String) -> Void {
        if json { return { line in StandardError.write(line + "\n") } }
        return { line in print(line) }
    }

    /// `--report`'s hook for conflicts and kept sources.
    static func onOutcome(_ report: JSONLinesReport?) -> (@Sendable (String, MigrationOutcome) -> Void)? {
        guard let report else { return nil }
        return { key, outcome in report.outcome(key: key, outcome) }
    }

    /// `--report`'s failure hook.
    static func onFailure(_ report: JSONLinesReport?) -> (@Sendable (String, any Error) -> Void)? {
        guard let report else { return nil }
        return { key, error in report.failure(key: key, error: error) }
    }
}
