import AWS
import CurlHTTP
import Foundation
import Testing
import TestSupport

/// The worker's /metrics, /healthz and /readyz, scraped while it migrates live uploads.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct MetricsEndpointTests {
    func get(_ url: String) async throws -> HTTPResponse {
        try await Stack.http.execute(HTTPRequest(method: "GET", url: url, timeout: .seconds(3)))
    }

    /// The value of the sample `name{labels}` (or `name` without labels) in an exposition text.
    func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    /// `promtool check metrics` on an exposition text.
    static func promtoolCheck(_ text: String) async throws -> CommandResult {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scrape-\(UUID().uuidString).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await Command.run("/bin/sh", ["-c", "promtool check metrics < \"$0\"", file.path],
                                     environment: ProcessInfo.processInfo.environment, timeout: .seconds(30))
    }

    @Test func countersMoveAndProbesAnswerWhileTheWorkerRuns() async throws {
        // A visibility timeout no heartbeat misses on a loaded machine; counts are still lower bounds.
        let fixture = try await Fixture.make("metrics", queue: true, visibilityTimeout: 30)
        let port = freeLoopbackPort()
        let base = "http://127.0.0.1:\(port)"
        var environment = fixture.environment
        environment["METRICS_PORT"] = String(port)
        let worker = try Command.start(Stack.binary, ["worker", "--wait-seconds", "1"], environment: environment)
        try await worker.stoppedAfterwards { try await scrapeWhileMigrating(fixture, base: base, worker: worker) }
    }

    func scrapeWhileMigrating(_ fixture: Fixture, base: String, worker: RunningProcess) async throws {

        await expectEventually("/readyz to answer 200", timeout: .seconds(30)) { (try? await get("\(base)/readyz"))?.status == 200 }
        let health = try await get("\(base)/healthz")
        #expect(health.status == 200, "\(health.bodyText)")

        let keys = (1...6).map { "image/avatar-\($0).png" }
        try await fixture.insertRows(keys)
        for key in keys {
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array(key.utf8), contentType: "image/png")
        }
        var text = ""
        let moved = await expectEventually("6 copies and 6 deletes in /metrics", timeout: .seconds(60)) {
            text = (try? await get("\(base)/metrics"))?.bodyText ?? ""
            // Deleting a message follows its object's completion: wait for both.
            return (sample(text, "s3mover_objects_copied_total") ?? 0) >= 6 && (sample(text, "s3mover_messages_deleted_total") ?? 0) >= 6
        }
        #expect(moved, "\(text)")
        // At least: at-least-once delivery may hand an event over twice, whatever the visibility.
        #expect((sample(text, "s3mover_rows_updated_total") ?? 0) >= 6)
        #expect((sample(text, #"s3mover_objects_skipped_total{reason="test-event"}"#) ?? 0) >= 1)
        #expect((sample(text, "s3mover_messages_received_total") ?? 0) >= 7)
        #expect((sample(text, "s3mover_messages_deleted_total") ?? 0) >= 6)
        #expect(sample(text, "s3mover_in_flight") != nil)
        #expect((sample(text, "s3mover_copy_duration_seconds_count") ?? 0) >= 6)
        #expect((sample(text, "s3mover_database_duration_seconds_count") ?? 0) >= 1)
        #expect((sample(text, "s3mover_event_age_seconds_count") ?? 0) >= 6)
        #expect(text.contains(#"s3mover_event_age_seconds_bucket{le="3600.0"}"#), "event-age buckets reach an hour")
        #expect(sample(text, #"s3mover_queue_messages{queue="main",state="visible"}"#) != nil, "\(text)")
        #expect(sample(text, #"s3mover_queue_messages{queue="dead-letter",state="visible"}"#) == 0)
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
        // Prometheus's own linter accepts the live scrape: every metric has HELP and TYPE.
        let lint = try await Self.promtoolCheck(text)
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
        #expect(text.contains("# HELP s3mover_objects_copied_total Objects copied"), "\(text)")

        // A failure is counted by reason: a row for an object that is not in the bucket.
        try await fixture.sqs.sendMessage(queueURL: fixture.queueURL!, body: SyntheticEventJSON.event(
            bucket: fixture.sourceBucket, key: "image/missing.png"))
        let failed = await expectEventually("a failure counted by reason in /metrics", timeout: .seconds(30)) {
            text = (try? await get("\(base)/metrics"))?.bodyText ?? ""
            return text.contains("s3mover_objects_failed_total{reason=")
        }
        #expect(failed, "\(text)")

        let (status, _) = await worker.stop(signal: SIGTERM)
        #expect(status == 0)
    }
}

/// A minimal S3 ObjectCreated notification body.
enum SyntheticEventJSON {
    static func event(bucket: String, key: String) -> String {
        """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",\
        "eventTime":"2026-11-25T09:00:00.000Z","s3":{"bucket":{"name":"\(bucket)"},"object":{"key":"\(key)","size":10}}}]}
        """
    }
}
