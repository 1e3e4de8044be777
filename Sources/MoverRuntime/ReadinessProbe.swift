public import AWS
public import Logging
public import Postgres
public import ServiceLifecycle
import Synchronization

/// Readiness for `/readyz`: the database and the queue answer.
///
/// As a service, it checks both every `interval` (`SELECT 1`, and `GetQueueAttributes` when a
/// queue is configured) and keeps the latest result, so a probe is answered at once and never
/// waits on a hung dependency: a result older than three intervals counts as not ready.
public final class ReadinessProbe: Service {
    public struct Result: Sendable {
        public var ready: Bool
        public var detail: String
        public var checkedAt: ContinuousClock.Instant
    }

    private let database: PostgresClient
    private let sqs: SQSClient?
    private let queueURL: String?
    private let interval: Duration
    private let logger: Logger
    private let latest = Mutex<Result?>(nil)

    public init(database: PostgresClient, sqs: SQSClient?, queueURL: String?, interval: Duration = .seconds(5), logger: Logger) {
        self.database = database
        self.sqs = sqs
        self.queueURL = queueURL
        self.interval = interval
        self.logger = logger
    }

    /// Checks every `interval` until graceful shutdown or cancellation (as a service).
    public func run() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let result = await checkOnce()
            let previous = latest.withLock { state in
                defer { state = result }
                return state
            }
            if previous?.ready != result.ready {
                logger.log(level: result.ready ? .info : .warning, "readiness changed", metadata: [
                    "ready": "\(result.ready)", "detail": "\(result.detail)"])
            }
            _ = try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }



    /// The latest result, judged stale after three intervals.
    public func status(now: ContinuousClock.Instant = .now) -> (ready: Bool, detail: String) {
        guard let result = latest.withLock({ $0 }) else { return (false, "first check still running") }
        if now - result.checkedAt > interval * 3 {
            return (false, "last check finished \(now - result.checkedAt) ago: a dependency is not answering")
        }
        return (result.ready, result.detail)
    }

    /// Runs both checks once.
    public func checkOnce() async -> Result {
        var problems: [String] = []
        do {
            _ = try await database.execute("SELECT 1")
        } catch {
            problems.append("database: \(error)")
        }
        if let sqs, let queueURL {
            do {
                _ = try await sqs.queueAttributes(queueURL: queueURL, names: ["QueueArn"])
            } catch {
                problems.append("queue: \(error)")
            }
        }
        let detail = problems.isEmpty ? (sqs == nil ? "database answers" : "database and queue answer") : problems.joined(separator: "; ")
        return Result(ready: problems.isEmpty, detail: detail, checkedAt: .now)
    }
}
