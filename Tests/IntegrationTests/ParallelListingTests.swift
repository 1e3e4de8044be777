import AWS
import Foundation
import Testing

/// `--list-parallel N`: the key space cut into ranges listed at once; every object migrated
/// exactly once, on both servers, with keys whose next bytes are letters, digits, spaces and
/// non-ASCII (several pages per range are the unit tests' job).
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct ParallelListingTests {
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func rangesMigrateEveryObjectExactlyOnce(server: S3Server) async throws {
        let fixture = try await Fixture.make("parallel-list", server: server)
        var keys = (1...1500).map { "image/avatar-\($0).png" }
        keys += ["image/a.png", "image/b c.png", "image/Z.png", "image/0.png", "image/~.png", "image/é.png", "image/zz/deep.png"]
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        let ledger = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: ledger) }
        let result = try await fixture.runJSON(["backfill", "--list-parallel", "8", "--ledger", ledger])
        #expect(result.status == 0 && result["listed"] == keys.count, "\(result)")
        let migrated = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return entry?["outcome"] as? String == "migrated" ? entry?["source_key"] as? String : nil
        }
        #expect(migrated.count == keys.count && Set(migrated) == Set(keys), "each key once: \(migrated.count) of \(keys.count)")
        #expect(try await fixture.run(["verify"]).status == 0)
    }

    @Test func listParallelIsRefusedWhereTheSourceIsReadInOrder() async throws {
        let fixture = try await Fixture.make("parallel-refused", server: .moto)
        let rows = try await fixture.run(["backfill", "--from-rows", "--list-parallel", "4"])
        #expect(rows.status == 2 && rows.stderr.contains("--list-parallel") && rows.stderr.contains("--from-rows"), "\(rows.stderr)")
        let manifest = try await fixture.run(["backfill", "--manifest", "s3://inventory/manifest.json", "--list-parallel", "4"])
        #expect(manifest.status == 2 && manifest.stderr.contains("--manifest"), "\(manifest.stderr)")
        let zero = try await fixture.run(["backfill", "--list-parallel", "0"])
        #expect(zero.status == 2 && zero.stderr.contains("between 1 and 64"), "\(zero.stderr)")
    }
}
