import AWS
public import Logging
public import MoverCore
public import ServiceLifecycle
import Synchronization

/// The worker process's main service: its start-up checks, then the ``Worker``.
///
/// The checks run inside the service group, so SIGTERM during them (while SQS is still down,
/// say) is the same graceful shutdown as later, and the probes already answer: `/healthz` counts
/// the wait as alive and `/readyz` says what is missing. A permanent failure (no such queue,
/// access denied, no such table) ends the run with its error, and the group with it.
public final class WorkerRun: Service {
    /// What the run needs besides the runtime.
    public struct Options: Sendable {
        public var queueURL: String
        public var worker: Worker.Configuration
        public var rowWait: Duration
        /// Create the path column's index if it is missing.
        public var createIndex: Bool
        /// The audit trail (`--ledger`).
        public var ledger: (any MigrationLedger)?
        /// Narrow the intake on throttling (AIMD), within `worker.concurrency`.
        public var adaptive: Bool

        public init(queueURL: String, worker: Worker.Configuration, rowWait: Duration, createIndex: Bool,
                    ledger: (any MigrationLedger)? = nil, adaptive: Bool = true) {
            self.queueURL = queueURL
            self.worker = worker
            self.rowWait = rowWait
            self.createIndex = createIndex
            self.ledger = ledger
            self.adaptive = adaptive
        }
    }

    private let runtime: Runtime
    private let options: Options
    private let logger: Logger
    /// Every record's outcome, for the summary.
    public let tally = MigrationTally()
    /// The receive loops' pulse; the start-up checks count as a wait.
    public let liveness = PollLoopLiveness()

    public init(runtime: Runtime, options: Options, logger: Logger) {
        self.runtime = runtime
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        guard let worker = try await liveness.waiting("start-up checks: waiting for SQS and PostgreSQL", { try await prepare() }) else { return }
        logger.info("worker started", metadata: [
            "queue": "\(options.queueURL)", "concurrency": "\(options.worker.concurrency)", "drain": "\(options.worker.drain)",
        ])
        await worker.run()
    }

    /// Checks the dependencies and builds the worker; nil when shutdown came first.
    private func prepare() async throws -> Worker? {
        let sqs = try runtime.sqs()
        let queueURL = options.queueURL
        // Fail fast on a wrong queue, wrong credentials or a missing table; wait out an outage.
        guard try await runtime.untilAvailable("SQS", { try await sqs.queueAttributes(queueURL: queueURL, names: ["QueueArn"]) }) != nil
        else { return nil }
        try await runtime.checkDatabase(tolerateOutage: true)
        let pathIndexed = await runtime.checkPathIndex(create: options.createIndex)
        if Task.isShuttingDownGracefully { return nil }
        let window = options.adaptive ? AdaptiveWindow(maximum: options.worker.concurrency) : nil
        let health = DependencyHealth()
        let processor = MessageProcessor(sourceBucket: try runtime.settings.bucket(.sourceBucket),
                                         handler: try runtime.handler(pathIndexed: pathIndexed, window: window, health: health),
                                         tally: tally, ledger: options.ledger, logger: logger, rowWait: options.rowWait)
        return Worker(queue: SQSMessageQueue(client: sqs, queueURL: queueURL), processor: processor, tally: tally,
                      configuration: options.worker, logger: logger, window: window, health: health, liveness: liveness)
    }
}
