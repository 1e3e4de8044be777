import AWS
import Foundation
import Testing

/// `--shard I/N` and `--shards N` (Indexed Job): N processes on one stack, at once, migrate
/// every object, each copied by exactly one of them and each row updated once.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct ShardingTests {
    @Test func threeShardsAtOnceCopyEveryObjectExactlyOnce() async throws {
        let fixture = try await Fixture.make("shards", server: .moto)
        let keys = (1...90).map { "image/avatar-\($0).png" }
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        let ledgers = (0..<3).map { FileManager.default.temporaryDirectory.appendingPathComponent("shard-\($0)-\(UUID().uuidString).jsonl").path }
        defer { ledgers.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        // Two by --shard, one as an Indexed Job's pod.
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for index in 0..<3 {
                group.addTask {
                    index == 2
                        ? try await fixture.run(["backfill", "--shards", "3", "--ledger", ledgers[index]], overriding: ["JOB_COMPLETION_INDEX": "2"])
                        : try await fixture.run(["backfill", "--shard", "\(index)/3", "--ledger", ledgers[index]])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result.status == 0, "\(result.stdout)\(result.stderr)") }
        var migrated: [String] = []
        for path in ledgers {
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
                let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if entry["outcome"] as? String == "migrated" {
                    migrated.append(entry["source_key"] as? String ?? "")
                    #expect(entry["rows"] as? Int == 1)
                }
            }
        }
        #expect(migrated.sorted() == keys.sorted(), "each key migrated by exactly one shard")
        let otherShard = results.map { result in
            result.stdout.split(separator: "\n").first { $0.hasPrefix("skipped") }.map(String.init) ?? ""
        }
        #expect(otherShard.allSatisfy { $0.contains("other-shard=") }, "\(otherShard)")
        #expect(try await fixture.run(["verify"]).status == 0)
    }

    @Test func shardsWithoutAJobIndexIsRefused() async throws {
        let fixture = try await Fixture.make("shards-noindex", server: .moto)
        let result = try await fixture.run(["backfill", "--shards", "3"], overriding: ["JOB_COMPLETION_INDEX": nil])
        #expect(result.status == 2 && result.stderr.contains("JOB_COMPLETION_INDEX"), "\(result.stderr)")
        let bad = try await fixture.run(["backfill", "--shard", "3/3"])
        #expect(bad.status == 2 && bad.stderr.contains("--shard"), "\(bad.stderr)")
    }
}
