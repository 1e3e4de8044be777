import AWS
import Foundation
import Postgres
import MoverCore
import MoverRuntime
import Testing

/// `backfill --manifest`: an S3 Inventory report (manifest.json, gzip-compressed CSV files) or a
/// plain Batch Operations CSV instead of a listing.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct ManifestBackfillTests {
    static let script = Stack.root.appendingPathComponent("Tests/IntegrationTests/Support/inventory_report.py").path

    /// Uploads `keys` with rows and writes an inventory report of them; returns its manifest URL.
    func report(_ fixture: Fixture, _ keys: [String], prefix: String, badMD5: Bool = false) async throws -> String {
        let inventory = fixture.sourceBucket + "-inv"
        try await fixture.s3.createBucket(inventory)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).txt")
        try keys.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try await Command.run("/bin/sh", ["-c", "python3 \"$0\" \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" < \"$6\"",
                                                       Self.script, Stack.moto, fixture.sourceBucket, inventory, prefix,
                                                       badMD5 ? "--bad-md5" : "", input.path],
                                           environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw CommandError(description: "inventory_report.py: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let keys = (1...24).map { "image/avatar-\($0).png" } + ["image/sommer 2026/café + friends%.png", "image/a+b.png"]

    @Test func anInventoryReportMigratesEveryObjectItNames() async throws {
        let fixture = try await Fixture.make("manifest", server: .moto)
        try await fixture.putAvatars(Self.keys)
        try await fixture.insertRows(Self.keys)
        let manifest = try await report(fixture, Self.keys, prefix: "inventory/2026-12-03")

        let dry = try await fixture.runJSON(["backfill", "--manifest", manifest, "--dry-run"])
        #expect(dry.status == 0 && dry["planned"] == 26 && dry["planned_rows"] == 26, "\(dry)")

        // Resumed after the 10th record: the 16 after it.
        let resumed = try await fixture.runJSON(["backfill", "--manifest", manifest, "--start-after", "image/avatar-10.png"])
        #expect(resumed.status == 0 && resumed["listed"] == 16, "\(resumed)")
        // From a FILE:LINE resume point: file 1 after its third line (its first record, the
        // older version, the second record): the 11 after them, without reading file 0.
        let positioned = try await fixture.runJSON(["backfill", "--manifest", manifest, "--start-after", "1:3", "--dry-run"])
        #expect(positioned.status == 0 && positioned["planned"] == 11, "\(positioned)")
        let beyond = try await fixture.run(["backfill", "--manifest", manifest, "--start-after", "7:1"])
        #expect(beyond.status != 0 && "\(beyond.stdout)\(beyond.stderr)".contains("names 2 files"), "\(beyond.stdout)\(beyond.stderr)")
        let all = try await fixture.runJSON(["backfill", "--manifest", manifest])
        #expect(all.status == 0 && all["listed"] == 26 && all["migrated"] == 10, "\(all)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
        #expect(try await fixture.run(["verify", "--deep"]).status == 0)
    }

    @Test func aFileWhoseMD5IsNotTheManifestsStopsTheRun() async throws {
        let fixture = try await Fixture.make("manifest-md5", server: .moto)
        try await fixture.putAvatars(Self.keys)
        let manifest = try await report(fixture, Self.keys, prefix: "inventory/bad", badMD5: true)
        let result = try await fixture.runJSON(["backfill", "--manifest", manifest])
        #expect(result.status == 1 && (result.object["listing_error"] as? String)?.contains("is not the manifest's") == true, "\(result)")
    }

    @Test func aPlainBatchOperationsCSVWorksToo() async throws {
        let fixture = try await Fixture.make("manifest-csv", server: .moto)
        try await fixture.putAvatars(Self.keys)
        try await fixture.insertRows(Self.keys)
        let manifest = try await report(fixture, Self.keys, prefix: "batch")
        let csv = manifest.replacingOccurrences(of: "manifest.json", with: "list.csv")
        let result = try await fixture.runJSON(["backfill", "--manifest", csv])
        #expect(result.status == 0 && result["migrated"] == 26, "\(result)")
    }

    /// A record longer than 1 MiB (no CSV row of S3's is: a key is at most 1,024 bytes) stops
    /// the listing with its line number instead of growing the text held without bound.
    @Test func aRecordLongerThanOneMiBStopsTheRun() async throws {
        let fixture = try await Fixture.make("manifest-long", server: .moto)
        let keys = ["image/avatar-1.png", "image/avatar-2.png"]
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        let csv = keys.map { "\(fixture.sourceBucket),\($0)\n" }.joined() + "\(fixture.sourceBucket),image/" + String(repeating: "x", count: 1_200_000)
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "batch/long.csv", body: Array(csv.utf8), contentType: "text/csv")
        let result = try await fixture.runJSON(["backfill", "--manifest", "s3://\(fixture.sourceBucket)/batch/long.csv"])
        #expect(result.status == 1 && (result.object["listing_error"] as? String)?.contains("line 3 is longer than 1 MiB") == true, "\(result)")
    }

    /// The fleet shares the report: one event per record on the queue, and the workers copy.
    @Test func aReportCanBeEnqueuedForTheWorkers() async throws {
        let fixture = try await Fixture.make("manifest-enqueue", queue: true)
        try await fixture.putAvatars(Self.keys)
        try await fixture.insertRows(Self.keys)
        #expect(try await fixture.run(["worker", "--drain"]).status == 0)  // the uploads' own notifications
        try await fixture.database.execute("UPDATE \(fixture.table) SET path = replace(path, 'avatar/', 'image/')")
        let manifest = try await report(fixture, Self.keys, prefix: "enqueue")
        let enqueue = try await fixture.runJSON(["backfill", "--manifest", manifest, "--enqueue"])
        #expect(enqueue.status == 0 && enqueue["enqueued"] == 26, "\(enqueue)")
        let drain = try await fixture.run(["worker", "--drain"])
        #expect(drain.status == 0, "\(drain.stdout)\(drain.stderr)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
    }

    /// Read in ranges of a few bytes, pages of 5: records and gzip members span every boundary.
    @Test func tinyRangesAndPagesYieldTheSameObjects() async throws {
        let fixture = try await Fixture.make("manifest-tiny", server: .moto)
        try await fixture.putAvatars(Self.keys)
        let url = try await report(fixture, Self.keys, prefix: "tiny")
        let (bucket, key) = try #require(InventoryManifest.location(url))
        let manifest = try InventoryManifest.parse(try await fixture.s3.getObject(bucket: bucket, key: key), inventoryBucket: bucket)
        for chunk in [7, 64, 1000] as [Int64] {
            let lister = ManifestSourceLister(client: fixture.s3.client, manifest: manifest, sourceBucket: fixture.sourceBucket, pageSize: 5, chunkSize: chunk)
            var keys: [String] = []
            var tokens: [String] = []
            var token: String?
            repeat {
                let page = try await lister.page(token: token, startAfter: nil)
                keys += page.objects.map(\.key)
                #expect(page.objects.allSatisfy { $0.size != nil && $0.eTag != nil })
                tokens += page.objects.compactMap(\.resumeToken)
                token = page.nextToken
            } while token != nil
            #expect(keys == Self.keys, "chunks of \(chunk)")
            // FILE:LINE of each record: file 0 opens with another bucket's row, file 1 has an
            // older version after its first record.
            let half = Self.keys.count / 2
            #expect(tokens == (0..<half).map { "0:\($0 + 2)" } + ["1:1"] + (1..<(Self.keys.count - half)).map { "1:\($0 + 2)" }, "\(tokens)")
        }
    }

    @Test(arguments: ["https://x/manifest.json", "s3://", "s3://bucket-only"])
    func aBadManifestURLIsRefused(url: String) async throws {
        let fixture = try await Fixture.make("manifest-url", server: .moto)
        let result = try await fixture.run(["backfill", "--manifest", url])
        #expect(result.status == 2 && result.stderr.contains("--manifest"), "\(result.stderr)")
    }
}
