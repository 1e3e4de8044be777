import AWS
import Foundation
import Testing
import TestSupport

/// After the switch the destination belongs to the application: a rerun, a late event or a
/// rollback never puts legacy bytes over what it wrote, while before the switch a newer source
/// still replaces an older copy. "Proven" means the bytes.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct OwnershipTests {
    static let keys = ["image/u1.png", "image/u2.png"]
    static let newAvatar = Array("the user's new avatar, written by the application".utf8)

    /// Backfills `keys`, then the application writes `avatar/u2.png` and points its row there,
    /// in a later second than the source's `Last-Modified` (S3's resolution is one second).
    static func switched(_ fixture: Fixture) async throws {
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        let first = try await fixture.run(["backfill"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        try await fixture.waitPastLastModified(bucket: fixture.sourceBucket, key: "image/u2.png")
        try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: "avatar/u2.png", body: newAvatar, contentType: "image/png")
    }

    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func aRerunKeepsTheApplicationsNewerWrite(server: S3Server) async throws {
        let fixture = try await Fixture.make("own-rerun", server: server)
        try await Self.switched(fixture)
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("own-\(UUID().uuidString).jsonl").path
        let ledger = report + ".ledger"
        defer { try? FileManager.default.removeItem(atPath: report); try? FileManager.default.removeItem(atPath: ledger) }
        let rerun = try await fixture.run(["backfill", "--report", report, "--ledger", ledger])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/u2.png") == Self.newAvatar)
        #expect(try await fixture.paths() == ["avatar/u1.png", "avatar/u2.png"])
        let lines = try FinishingTests.reportLines(report)
        #expect(lines.contains { $0["type"] as? String == "conflict" && $0["key"] as? String == "image/u2.png" }, "\(lines)")
        #expect(lines.first { $0["type"] as? String == "summary" }?["conflicts"] as? Int == 1)
        let entries = try FinishingTests.reportLines(ledger)
        #expect(entries.contains { $0["outcome"] as? String == "conflict" && ($0["source_key"] as? String ?? $0["key"] as? String) == "image/u2.png" },
                "\(entries)")
        #expect(rerun.stderr.contains("conflict"), "the conflict is logged: \(rerun.stderr)")
    }

    /// A late or redelivered ObjectCreated event for the legacy key, after the switch.
    @Test func aLateEventKeepsTheApplicationsNewerWrite() async throws {
        let fixture = try await Fixture.make("own-late", queue: true, visibilityTimeout: 30)
        let queue = try #require(fixture.queueURL)
        #expect(try await fixture.run(["worker", "--drain"]).status == 0)  // the uploads' own events (and the s3:TestEvent)
        try await Self.switched(fixture)
        try await fixture.sqs.sendMessage(queueURL: queue, body: SyntheticEventJSON.event(bucket: fixture.sourceBucket, key: "image/u2.png"))
        let late = try await fixture.runJSON(["worker", "--drain"])
        // The late event, and the upload's own event if it arrives after the application's write.
        #expect(late.status == 0 && late["conflicts"] >= 1, "\(late)")
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/u2.png") == Self.newAvatar)
        #expect(try await fixture.depth(queue) == 0, "the message is complete: the conflict is its outcome")
    }

    /// Before the switch: the legacy object is overwritten after its copy; the next run copies the newer bytes.
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func aNewerSourceStillReplacesAnOlderCopy(server: S3Server) async throws {
        let fixture = try await Fixture.make("own-newer", server: server)
        try await fixture.putAvatars(Self.keys)
        try await fixture.insertRows(Self.keys)
        #expect(try await fixture.run(["backfill"]).status == 0)
        try await fixture.waitPastLastModified(bucket: fixture.destinationBucket, key: "avatar/u2.png")
        let newer = Array("a newer legacy upload".utf8)
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/u2.png", body: newer, contentType: "image/png")
        let rerun = try await fixture.runJSON(["backfill"])
        #expect(rerun.status == 0 && rerun["conflicts"] == 0 && rerun["migrated"] + rerun["already_migrated"] == 2, "\(rerun)")
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/u2.png") == newer)
    }

    /// A rollback after the switch keeps the row the application moved, and a backfill after the
    /// rollback still does not put legacy bytes over the application's.
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func aRollbackKeepsTheRowTheApplicationWrote(server: S3Server) async throws {
        let fixture = try await Fixture.make("own-rollback", server: server)
        try await Self.switched(fixture)
        let rollback = try await fixture.runJSON(["rollback"])
        #expect(rollback.status == 0 && rollback["conflicts"] == 1, "\(rollback)")
        #expect(try await fixture.paths() == ["avatar/u2.png", "image/u1.png"], "u2 still leads to the newest bytes")
        let again = try await fixture.run(["backfill"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try await fixture.paths() == ["avatar/u1.png", "avatar/u2.png"])
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/u2.png") == Self.newAvatar)
    }

    /// A backfill lists the destination once per page instead of inspecting each object: it
    /// inspects the page's first key and the keys the listing found. Keys the application wrote
    /// anywhere in the page (first, between, last) are kept as conflicts.
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func aBackfillListsTheDestinationInsteadOfInspectingEachObject(server: S3Server) async throws {
        let proxy = try await FaultProxy(upstream: server.endpoint, cycle: ["forward"])
        defer { proxy.stop() }
        let fixture = try await Fixture.make("own-scan", server: server)
        let keys = (10...29).map { "image/s\($0).png" }
        let written = ["avatar/s10.png", "avatar/s17.png", "avatar/s29.png"]  // the first key, one between, the last
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        try await fixture.waitPastLastModified(bucket: fixture.sourceBucket, key: keys.last!)
        for key in written {
            try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: key, body: Self.newAvatar, contentType: "image/png")
        }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("own-scan-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = try await fixture.run(["backfill", "--report", report], overriding: ["AWS_ENDPOINT_URL_S3": proxy.url])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let lines = try FinishingTests.reportLines(report)
        #expect(lines.first { $0["type"] as? String == "summary" }?["conflicts"] as? Int == written.count, "\(lines)")
        for key in written {
            #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: key) == Self.newAvatar, "\(key)")
        }
        #expect(try await fixture.paths().filter { $0.hasPrefix("avatar/") }.count == keys.count - written.count)
        // The first key and the two the listing found; a retried copy inspects again.
        let inspected = (try await proxy.counts())["head:\(fixture.destinationBucket)", default: 0]
        #expect((written.count..<written.count + 3).contains(inspected), "destination HeadObject requests: \(inspected)")
    }

    /// Servers that honour `If-None-Match` on CopyObject (Amazon S3) answer 412 when the
    /// application writes between the inspection and the copy: the object is inspected again,
    /// and the application's write is kept as a conflict.
    @Test func aWriteBetweenInspectionAndCopyIsCaughtByTheGuard() async throws {
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["guard412"])
        defer { proxy.stop() }
        let fixture = try await Fixture.make("own-412")
        try await fixture.putAvatars(["image/u1.png"])
        try await fixture.insertRows(["image/u1.png"])
        try await fixture.waitPastLastModified(bucket: fixture.sourceBucket, key: "image/u1.png")
        let run = try await fixture.runJSON(["backfill"], overriding: ["AWS_ENDPOINT_URL_S3": proxy.url])
        #expect(run.status == 0 && run["conflicts"] == 1, "\(run)")
        #expect((try await proxy.counts())["applied:guard412", default: 0] >= 1)
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/u1.png") == Array("the application's newer bytes".utf8))
        #expect(try await fixture.paths() == ["image/u1.png"])
    }

    /// A server that refuses conditional copies (501): one warning, then unguarded copies.
    @Test func aServerWithoutConditionalCopiesGetsUnguardedOnes() async throws {
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["guard501"])
        defer { proxy.stop() }
        let fixture = try await Fixture.make("own-501")
        let keys = (1...6).map { "image/g\($0).png" }
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        let run = try await fixture.run(["backfill", "--concurrency", "1"], overriding: ["AWS_ENDPOINT_URL_S3": proxy.url, "LOG_LEVEL": "warning"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
        #expect((try await proxy.counts())["applied:guard501", default: 0] == 1, "only the first copy tried the guard")
        #expect(run.stderr.components(separatedBy: "refuses conditional copies").count == 2, "one warning: \(run.stderr)")
    }
}

extension Fixture {
    /// Returns once the wall clock is past the second of `bucket/key`'s `Last-Modified`, so that
    /// an object written now is newer by S3's one-second resolution.
    func waitPastLastModified(bucket: String, key: String) async throws {
        let modified = try #require(try await s3.headObject(bucket: bucket, key: key)?.lastModified, "\(key) has a Last-Modified")
        try await waitUntil("the clock to pass \(key)'s Last-Modified (\(modified))", timeout: .seconds(10)) {
            Int64(Date().timeIntervalSince1970) > modified
        }
    }
}
