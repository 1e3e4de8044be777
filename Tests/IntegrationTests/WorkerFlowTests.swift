import MoverCore
import Postgres
import AWS
import CurlHTTP
import Foundation
import Testing
import TestSupport

/// Live events: objects uploaded to the source bucket reach the worker through real S3 → SQS
/// notifications (moto), and are copied and repointed.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct WorkerFlowTests {
    @Test func realNotificationsWithAwkwardKeys() async throws {
        let fixture = try await Fixture.make("live", queue: true)
        let keys = AwkwardKeys.all + ["image/avatar-1.png", "image/not-ours.jpg", "other/avatar-2.png"]
        var bodies: [String: [UInt8]] = [:]
        try await fixture.insertRows(keys)
        for key in keys {
            let body = (0..<128).map { _ in UInt8.random(in: 0...255) }
            bodies[key] = body
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: body, contentType: "image/png")
        }
        let result = try await fixture.runJSON(["worker", "--drain"])
        // The notification filter (image/, .png) lets 8 objects through, plus the s3:TestEvent.
        #expect(result.status == 0 && result["migrated"] == 8 && result["rows_updated"] == 8, "\(result)")
        #expect(result["skipped_by_reason", "test-event"] == 1, "\(result)")
        for key in keys where key.hasPrefix("image/") && key.hasSuffix(".png") {
            let destination = "avatar/" + key.dropFirst("image/".count)
            #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: destination) == bodies[key], "\(key)")
        }
        #expect(try await fixture.paths().filter { $0.hasPrefix("image/") }.sorted() == ["image/not-ours.jpg"])
        #expect(try await fixture.depth(fixture.queueURL!) == 0)
        #expect(try await fixture.depth(fixture.deadLetterURL!) == 0)
    }

    @Test func sampleEventsEachMeetTheirFate() async throws {
        let fixture = try await Fixture.make("samples", queue: true, visibilityTimeout: 1, maxReceiveCount: 2)
        let queue = try #require(fixture.queueURL)
        // The objects the samples name exist. The PUT sample's ETag becomes avatar-12's real one:
        // an event whose ETag is not the object's any more is superseded.
        var eTags: [String: String] = [:]
        for key in ["image/avatar-12.png", "image/avatar-21.png", "image/avatar-22.png", "image/summer 2026/café + friends%.png",
                    "image/avatar-41.png", "image/avatar-51.png", "image/avatar-31.png"] {
            eTags[key] = try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array(key.utf8), contentType: "image/png")
        }
        let realETag = try #require(eTags["image/avatar-12.png"].flatMap(ETag.init)).value
        try await fixture.insertRows(["image/avatar-12.png", "image/avatar-21.png", "image/avatar-41.png"])
        // Drain the notifications of those uploads first.
        #expect(try await fixture.run(["worker", "--drain"]).status == 0)
        try await fixture.database.execute("UPDATE \(fixture.table) SET path = replace(path, 'avatar/', 'image/')")

        let directory = Stack.root.appendingPathComponent("sample-events")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var sampleOf: [String: String] = [:]  // body → file name
        for file in files {
            let body = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                .replacingOccurrences(of: "legacy-avatars", with: fixture.sourceBucket)
                .replacingOccurrences(of: "\"0123456789abcdef0123456789abcdef\"", with: "\"\(realETag)\"")
            sampleOf[body] = file
            try await fixture.sqs.sendMessage(queueURL: queue, body: body)
        }
        let result = try await fixture.run(["worker", "--drain"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // The three malformed samples (one with a header-injecting eTag) end in the dead-letter
        // queue; everything else was deleted. On a loaded machine a well-formed sample can outlive
        // its 1 s visibility often enough to follow them there after it was handled (at-least-once
        // delivery; the rows below show its effect), so the dead letters are read, not counted.
        #expect(try await fixture.depth(queue) == 0)
        let deadLetters = try await fixture.drainedBodies(fixture.deadLetterURL!).map { sampleOf[$0] ?? "unknown: \($0)" }
        #expect(deadLetters.filter { $0.hasPrefix("malformed-") }.sorted() ==
                ["malformed-hostile-etag.json", "malformed-not-json.txt", "malformed-wrong-shape.json"], "\(deadLetters)")
        #expect(try await fixture.paths().sorted() == ["avatar/avatar-12.png", "avatar/avatar-21.png", "avatar/avatar-41.png"])
        // Skipped at least once: on a loaded machine a message can outlive its 1 s visibility
        // before its delete and be skipped again (at-least-once delivery).
        let foreign = result.stdout.firstMatch(of: /foreign-bucket=(\d+)/).flatMap { Int($0.1) } ?? 0
        #expect(foreign >= 1, "\(result.stdout)")
    }

    @Test func sigtermDuringALongPollExitsPromptlyAndCleanly() async throws {
        let fixture = try await Fixture.make("sigterm", queue: true)
        #expect(try await fixture.run(["worker", "--drain"]).status == 0)  // consume the s3:TestEvent
        let port = freeLoopbackPort()
        var environment = fixture.environment
        environment["METRICS_PORT"] = String(port)
        let worker = try Command.start(Stack.binary, ["worker"], environment: environment)
        let output = worker.standardOutputData()
        let errors = worker.standardErrorData()
        // Past its start-up checks and into its 20 s long poll.
        var health = ""
        let polling = await expectEventually("/healthz to say the receive loop turned", timeout: .seconds(30)) {
            let response = try? await Stack.http.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/healthz", timeout: .seconds(3)))
            health = response.map { "\($0.status) \($0.bodyText)" } ?? "no answer"
            return response?.bodyText.contains("receive loop turned") == true
        }
        guard polling else {
            _ = await worker.stop(signal: SIGKILL)
            Issue.record("the worker never reached its long poll (/healthz: \(health)): \(String(decoding: errors.wait(), as: UTF8.self))")
            return
        }
        let (status, elapsed) = await worker.stop(signal: SIGTERM)
        #expect(status == 0)
        #expect(elapsed < .seconds(5))
        #expect(String(decoding: output.wait(), as: UTF8.self).contains("failed            0"))
    }

    /// SQS is down at start: the worker waits for it inside its service group, /healthz counts the
    /// wait as alive, and SIGTERM ends the wait at once with exit 0.
    @Test func sigtermWhileWaitingForSQSAtStartExitsPromptly() async throws {
        let fixture = try await Fixture.make("startup-wait", queue: true)
        let port = freeLoopbackPort()
        var environment = fixture.environment
        environment["AWS_ENDPOINT_URL_SQS"] = "http://127.0.0.1:\(freeLoopbackPort())"  // nothing listens there
        environment["METRICS_PORT"] = String(port)
        let worker = try Command.start(Stack.binary, ["worker"], environment: environment)
        let errors = worker.standardErrorData()
        var health = ""
        let waiting = await expectEventually("/healthz to answer 200 during the start-up checks", timeout: .seconds(30)) {
            let response = try? await Stack.http.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/healthz", timeout: .seconds(3)))
            health = response?.bodyText ?? ""
            return response?.status == 200 && health.contains("start-up checks")
        }
        #expect(waiting, "/healthz answers 200 while the worker waits for SQS: \(health)")
        let (status, elapsed) = await worker.stop(signal: SIGTERM)
        let stderr = String(decoding: errors.wait(), as: UTF8.self)
        #expect(status == 0, "\(stderr)")
        #expect(elapsed < .seconds(5))
        #expect(!stderr.contains("worker started"), "\(stderr)")
    }
}
