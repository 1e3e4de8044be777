import FoundationEssentials
public import Logging
public import MoverCore
public import ServiceLifecycle

/// Shows progress during long runs: a live line on a terminal (stderr), or a structured log
/// line every `interval` otherwise.
///
/// A `Service`: list it before the work it reports on, so that it stops after that work and
/// its last line is the final count.
public struct ProgressReporter: Service {
    public let tally: MigrationTally
    /// Known total (seed), if any: gives an ETA.
    public let total: Int?
    /// Objects listed so far and the resume point (backfill), if any.
    public let backfill: BackfillProgress?
    public let interactive: Bool
    public let interval: Duration
    public let logger: Logger

    public init(tally: MigrationTally, total: Int? = nil, backfill: BackfillProgress? = nil, interactive: Bool,
                interval: Duration? = nil, logger: Logger) {
        self.tally = tally
        self.total = total
        self.backfill = backfill
        self.interactive = interactive
        self.interval = interval ?? (interactive ? .milliseconds(250) : .seconds(10))
        self.logger = logger
    }

    /// Reports every `interval` until graceful shutdown, then once more (a terminal line is then
    /// finished with a newline).
    public func run() async {
        let started = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            report(elapsed: ContinuousClock.now - started, final: Task.isShuttingDownGracefully || Task.isCancelled)
        }
    }

    func report(elapsed: Duration, final: Bool) {
        let snapshot = tally.snapshot
        let seconds = max(0.001, elapsed.seconds)
        let done = snapshot.completed
        let rate = Double(done) / seconds
        var eta: String?
        if let total, rate > 0, total > done { eta = NumberFormat.fixed(Double(total - done) / rate, 0) + "s" }
        if interactive {
            var line = "done \(done) · skipped \(snapshot.skippedTotal) · failed \(snapshot.failed) · \(NumberFormat.fixed(rate, 0))/s"
            if let listed = backfill?.listedCount { line += " · listed \(listed)" }
            if let total { line += " · of \(total)" }
            if let eta { line += " · ETA \(eta)" }
            StandardError.write("\r\u{1B}[K\(line)\(final ? "\n" : "")")
        } else {
            var metadata: Logger.Metadata = [
                "done": "\(done)", "skipped": "\(snapshot.skippedTotal)", "failed": "\(snapshot.failed)",
                "rate_per_s": "\(NumberFormat.fixed(rate, 0))",
            ]
            if let listed = backfill?.listedCount { metadata["listed"] = "\(listed)" }
            if let resume = backfill?.resumePoint { metadata["resume_point"] = "\(resume)" }
            if let eta { metadata["eta"] = "\(eta)" }
            logger.info("progress", metadata: metadata)
        }
    }
}
