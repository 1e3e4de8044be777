import AWS
import Foundation
import Testing

/// The way back (`rollback`) and the safe finish (`finalize --delete-source`), against the
/// real servers.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct FinishingTests {
    static func migrated(_ fixture: Fixture, _ keys: [String]) async throws {
        for key in keys {
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array((key + " bytes").utf8), contentType: "image/png")
        }
        try await fixture.insertRows(keys)
        let backfill = try await fixture.run(["backfill"])
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)")
    }

    /// Rows go back to the source path where the source still exists; a row whose source is
    /// gone stays and is reported. --dry-run changes nothing.
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func rollbackRepointsRowsWhoseSourceStillExists(server: S3Server) async throws {
        let fixture = try await Fixture.make("rollback", server: server)
        let keys = ["image/a.png", "image/b.png", "image/c d.png", "image/gone.png"]
        try await Self.migrated(fixture, keys)
        try await fixture.s3.deleteObject(bucket: fixture.sourceBucket, key: "image/gone.png")

        let dry = try await fixture.run(["rollback", "--dry-run"])
        #expect(dry.status == 1, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("would repoint 1 row(s) from avatar/a.png back to image/a.png"), "\(dry.stdout)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })

        let report = FileManager.default.temporaryDirectory.appendingPathComponent("rollback-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let rollback = try await fixture.runJSON(["rollback", "--report", report])
        #expect(rollback.status == 1 && rollback["repointed_back"] == 3 && rollback["rows_repointed_back"] == 3, "\(rollback)")
        #expect(try await fixture.paths() == ["avatar/gone.png", "image/a.png", "image/b.png", "image/c d.png"])
        let lines = try String(contentsOfFile: report, encoding: .utf8)
        #expect(lines.contains("image/gone.png") && lines.contains("source-missing"), "\(lines)")
        // Again: nothing left to do but the row without a source.
        let again = try await fixture.runJSON(["rollback"])
        #expect(again["repointed_back"] == 0 && again["failed_by_code", "NoSuchKey"] == 1, "\(again)")
    }

    /// Only proven, unreferenced copies let their source go; without --yes nothing is deleted.
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func finalizeDeletesOnlyProvenUnreferencedSources(server: S3Server) async throws {
        let fixture = try await Fixture.make("finalize", server: server)
        let keys = ["image/ok-1.png", "image/ok-2.png", "image/referenced.png", "image/differs.png", "image/no-copy.png"]
        try await Self.migrated(fixture, keys)
        try await fixture.insertRows(["image/referenced.png"])  // saved after the migration: still points at the source
        try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: "avatar/differs.png", body: Array("other".utf8), contentType: "image/png")
        try await fixture.s3.deleteObject(bucket: fixture.destinationBucket, key: "avatar/no-copy.png")

        // Kept sources make the run exit 1, even a dry run: the finish is not done.
        let dry = try await fixture.runJSON(["finalize", "--delete-source"])
        #expect(dry.status == 1 && dry["would_delete"] == 2 && dry["kept"] == 3, "\(dry)")
        #expect(dry["skipped_by_reason", "copy-differs"] == 1 && dry["skipped_by_reason", "copy-missing"] == 1
                && dry["skipped_by_reason", "still-referenced"] == 1, "\(dry)")
        #expect(try await fixture.keys(in: fixture.sourceBucket).count == 5)

        let report = FileManager.default.temporaryDirectory.appendingPathComponent("finalize-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let real = try await fixture.run(["finalize", "--delete-source", "--yes", "--report", report])
        #expect(real.status == 1, "\(real.stdout)\(real.stderr)")
        #expect(real.stdout.contains("kept s3://\(fixture.sourceBucket)/image/differs.png: its copy differs (size 5"), "\(real.stdout)")
        #expect(try await fixture.keys(in: fixture.sourceBucket) == ["image/differs.png", "image/no-copy.png", "image/referenced.png"])
        let lines = try Self.reportLines(report)
        let summary = try #require(lines.first { $0["type"] as? String == "summary" })
        #expect(summary["succeeded"] as? Bool == false && summary["deleted"] as? Int == 2 && summary["kept"] as? Int == 3
                && summary["conflicts"] as? Int == 0, "\(summary)")
        let kept = Dictionary(uniqueKeysWithValues: lines.filter { $0["type"] as? String == "kept" }.map { ($0["key"] as? String ?? "", $0["reason"] as? String ?? "") })
        #expect(kept == ["image/differs.png": "copy-differs", "image/no-copy.png": "copy-missing", "image/referenced.png": "still-referenced"])
    }

    /// The JSON objects of a `--report` file, one per line.
    static func reportLines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func finalizeWithoutDeleteSourceIsRefused() async throws {
        let fixture = try await Fixture.make("finalize-flag", server: .moto)
        let result = try await fixture.run(["finalize"])
        #expect(result.status == 2 && result.stderr.contains("--delete-source"), "\(result.stderr)")
    }
}
