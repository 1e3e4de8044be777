public import AWS
import FoundationEssentials
public import Logging
import Metrics
import MoverCore
public import ServiceLifecycle

/// Publishes the depth of the queue and of its dead-letter queue as gauges
/// (`s3mover_queue_messages{queue="main|dead-letter", state="visible|in-flight"}`), so that
/// dashboards show the backlog and an alert fires when anything reaches the dead-letter queue.
///
/// The dead-letter queue is found through the queue's `RedrivePolicy`. Reading its depth needs
/// `sqs:GetQueueAttributes` on it (deploy/iam-policy.json grants it).
public struct QueueDepthMonitor: Service {
    /// The gauge's name.
    public static let metricName = MetricName.queueMessages

    let sqs: SQSClient
    let queueURL: String
    let interval: Duration
    let logger: Logger

    public init(sqs: SQSClient, queueURL: String, interval: Duration = .seconds(30), logger: Logger) {
        self.sqs = sqs
        self.queueURL = queueURL
        self.interval = interval
        self.logger = logger
    }

    /// Polls until graceful shutdown or cancellation.
    public func run() async {
        var deadLetterURL: String?
        var warned = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let attributes = try await sqs.queueAttributes(queueURL: queueURL, names: [
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "RedrivePolicy"])
                publish(attributes, queue: "main")
                if deadLetterURL == nil, let policy = attributes["RedrivePolicy"] {
                    deadLetterURL = Self.deadLetterURL(redrivePolicy: policy, queueURL: queueURL)
                }
                if let deadLetterURL {
                    publish(try await sqs.queueAttributes(queueURL: deadLetterURL, names: [
                        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]), queue: "dead-letter")
                }
                warned = false
            } catch {
                if !warned {
                    logger.warning("cannot read the queue depth for metrics", metadata: ["error": "\(error)", "error_code": "\(error.failureCode)"])
                    warned = true
                }
            }
            _ = try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    private func publish(_ attributes: [String: String], queue: String) {
        for (attribute, state) in [("ApproximateNumberOfMessages", "visible"), ("ApproximateNumberOfMessagesNotVisible", "in-flight")] {
            guard let value = attributes[attribute].flatMap({ Int($0) }) else { continue }
            Gauge(label: Self.metricName, dimensions: [("queue", queue), ("state", state)]).record(value)
        }
    }

    /// The dead-letter queue's URL: the `deadLetterTargetArn` of `redrivePolicy`, on `queueURL`'s host.
    static func deadLetterURL(redrivePolicy: String, queueURL: String) -> String? {
        struct Policy: Decodable { var deadLetterTargetArn: String }
        guard let policy = try? JSONDecoder().decode(Policy.self, from: Data(redrivePolicy.utf8)) else { return nil }
        // arn:aws:sqs:REGION:ACCOUNT:NAME
        let parts = policy.deadLetterTargetArn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "sqs" else { return nil }
        let account = parts[4], name = parts[5]
        guard let accountRange = queueURL.firstRange(of: "/\(account)/") else { return nil }
        return String(queueURL[..<accountRange.upperBound]) + name
    }
}
