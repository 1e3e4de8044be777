import AWS
import Foundation
import Testing

/// `--ledger FILE`: one JSON line per object handled, by the backfill and by the worker.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct LedgerTests {
    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).jsonl").path
    }

    @Test func theBackfillRecordsEveryObjectWithItsOutcome() async throws {
        let fixture = try await Fixture.make("ledger", server: .moto)
        for key in ["image/a.png", "image/b.png", "image/no-row.png", "image/other.jpg"] {
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array(key.utf8), contentType: "image/png")
        }
        try await fixture.insertRows(["image/a.png", "image/b.png", "image/b.png"])
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try await fixture.run(["backfill", "--ledger", path]).status == 0)
        #expect(try await fixture.run(["backfill", "--ledger", path]).status == 0)  // appends: the repeats

        let lines = try Self.lines(path)
        let first = Dictionary(grouping: lines.prefix(4), by: { $0["source_key"] as? String ?? "" })
        let a = try #require(first["image/a.png"]?.first)
        #expect(a["outcome"] as? String == "migrated")
        #expect(a["rows"] as? Int == 1)
        #expect(a["destination_key"] as? String == "avatar/a.png")
        #expect(a["size"] as? Int == "image/a.png".utf8.count)
        #expect((a["source_etag"] as? String)?.count == 32 && a["destination_etag"] as? String == a["source_etag"] as? String)
        #expect(a["time"] as? String != nil && a["reason"] is NSNull)
        #expect(first["image/b.png"]?.first?["rows"] as? Int == 2)
        #expect(first["image/no-row.png"]?.first?["outcome"] as? String == "copied-no-row")
        let other = try #require(first["image/other.jpg"]?.first)
        #expect(other["outcome"] as? String == "skipped" && other["reason"] as? String == "not-source-key")
        #expect(lines.count == 8)
        let repeats = lines.suffix(4).filter { ($0["source_key"] as? String)?.hasSuffix(".png") == true }
        #expect(repeats.filter { $0["outcome"] as? String == "already-migrated" }.count == 2, "\(repeats)")
    }

    @Test func theWorkerRecordsEachEventsObject() async throws {
        // One line per event below: a visibility timeout no heartbeat can miss on a loaded
        // machine, so no event is handled twice.
        let fixture = try await Fixture.make("ledger-worker", queue: true, visibilityTimeout: 30)
        try await fixture.insertRows(["image/live.png"])
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/live.png", body: Array("live".utf8), contentType: "image/png")
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/missing-row.png", body: Array("x".utf8), contentType: "image/png")
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await fixture.run(["worker", "--drain", "--row-wait", "0", "--ledger", path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = try Self.lines(path)
        let byKey = Dictionary(grouping: lines, by: { $0["source_key"] as? String ?? "" })
        #expect(byKey["image/live.png"]?.first?["outcome"] as? String == "migrated", "\(lines)")
        #expect(byKey["image/missing-row.png"]?.first?["outcome"] as? String == "copied-no-row", "\(lines)")
        #expect(lines.count == 2, "the s3:TestEvent is not an object: \(lines)")
    }

    @Test func aLedgerWithEnqueueIsRefused() async throws {
        let fixture = try await Fixture.make("ledger-enqueue", queue: true)
        let result = try await fixture.run(["backfill", "--enqueue", "--ledger", Self.temporaryPath()])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--ledger"), "\(result.stderr)")
    }

    /// A ledger on a filesystem that fills up mid-run: the run stops with exit 3 and a message
    /// naming the file, and every line written before is whole. (A 64 KiB tmpfs; needs root,
    /// which CI and the dev stack have.)
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskStopsTheRunLoudly() async throws {
        let fixture = try await Fixture.make("ledger-full", server: .rclone)
        let keys = (1...400).map { String(format: "image/full-%03d.png", $0) }
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tmpfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let mounted = try await Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory], environment: [:])
        try #require(mounted.status == 0, "mount: \(mounted.stderr)")
        defer {
            _ = umount(directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let path = directory + "/ledger.jsonl"
        let run = try await fixture.run(["backfill", "--ledger", path, "--concurrency", "8"])
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("cannot write --ledger '\(path)'") && run.stderr.contains("errno 28"), "\(run.stderr)")
        // Every line but possibly a last partial one (cut by the full disk) is a whole entry.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The piece after the last newline is empty, or the partial line.
        let whole = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(whole.count > 50, "the ledger had filled the disk: \(whole.count) lines")
        for line in whole {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "a whole line: \(line)")
        }
    }
}
