import AWS
import Foundation
import Testing
import TestSupport

/// Duplicates and races are normal: the same events delivered twice, and a backfill running
/// at the same time as the worker on the same keys, still end with every object and row migrated once.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct RaceTests {
    @Test func backfillRacingTheWorkerWithDuplicateEvents() async throws {
        let fixture = try await Fixture.make("race", queue: true)
        let keys = (1...50).map { "image/race-\($0).png" }
        try await fixture.insertRows(keys)
        for key in keys {
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array(key.utf8), contentType: "image/png")
            // A duplicate of the notification, as SQS's at-least-once delivery may produce.
            let duplicate = #"{"Records":[{"eventVersion":"2.1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"\#(fixture.sourceBucket)"},"object":{"key":"\#(key)"}}}]}"#
            try await fixture.sqs.sendMessage(queueURL: fixture.queueURL!, body: duplicate)
        }
        let worker = try Command.start(Stack.binary, ["worker", "--drain", "--concurrency", "4"], environment: fixture.environment)
        let workerOutput = worker.standardOutputData()
        let backfill = try await fixture.run(["backfill", "--concurrency", "4"])
        let exited = await worker.exit(within: .seconds(180))
        try #require(exited, "the draining worker did not exit within 180 s")
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)")
        #expect(worker.process.terminationStatus == 0)
        let paths = try await fixture.paths()
        #expect(paths.count == 50 && paths.allSatisfy { $0.hasPrefix("avatar/race-") })
        #expect(Set(paths).count == 50)
        #expect(try await fixture.keys(in: fixture.destinationBucket).count == 50)
        #expect(try await fixture.depth(fixture.queueURL!) == 0)
        #expect(try await fixture.depth(fixture.deadLetterURL!) == 0)
        // Between them, each row was updated exactly once.
        let workerSummary = String(decoding: workerOutput.wait(), as: UTF8.self)
        let updated = [backfill.stdout, workerSummary].compactMap { text in
            text.split(separator: "\n").first { $0.hasPrefix("migrated") }
                .flatMap { line in line.split(separator: "(").last?.split(separator: ":").last?.dropLast() }
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }.reduce(0, +)
        #expect(updated == 50, "backfill:\n\(backfill.stdout)\nworker:\n\(workerSummary)")
    }
}
