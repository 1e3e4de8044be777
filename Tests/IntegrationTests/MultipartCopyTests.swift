import AWS
import Foundation
import Testing

/// Objects above the multipart threshold are copied with UploadPartCopy, keeping their bytes,
/// Content-Type and user metadata. The threshold is lowered so small objects take that path.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct MultipartCopyTests {
    @Test func largeObjectsAreCopiedInParts() async throws {
        let fixture = try await Fixture.make("multipart", server: .moto)
        let big = (0..<(12 * 1024 * 1024 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let small = Array("small".utf8)
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/big one.png", body: big, contentType: "image/x-big",
                                       metadata: ["owner": "user-12"])
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/small.png", body: small, contentType: "image/png")
        try await fixture.insertRows(["image/big one.png", "image/small.png"])

        let result = try await fixture.run(["backfill", "--multipart-threshold", "\(5 * 1024 * 1024)", "--part-size", "\(5 * 1024 * 1024)"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/big one.png") == big)
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/small.png") == small)
        let head = try #require(try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: "avatar/big one.png"))
        #expect(head.contentType == "image/x-big")
        #expect(head.userMetadata["owner"] == "user-12")
        #expect(try await fixture.paths() == ["avatar/big one.png", "avatar/small.png"])
    }

    /// rclone answers UploadPartCopy with an empty body and the empty string's ETag (it does not
    /// copy). s3-mover must refuse that answer rather than assemble an empty object: an answer
    /// that is not a `CopyPartResult` is transient, so the object is held and retried (as through
    /// any outage) and its row never moves. The run is stopped with SIGTERM after a few seconds.
    @Test func aServerWithoutUploadPartCopyFailsSafe() async throws {
        let fixture = try await Fixture.make("nopartcopy", server: .rclone)
        let big = [UInt8](repeating: 7, count: 6 * 1024 * 1024)
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/big.png", body: big, contentType: "image/png")
        try await fixture.insertRows(["image/big.png"])
        let result = try? await fixture.run(["backfill", "--multipart-threshold", "\(5 * 1024 * 1024)"], timeout: .seconds(6))
        #expect(result == nil || result?.status == 1)
        #expect(try await fixture.keys(in: fixture.destinationBucket).isEmpty)
        #expect(try await fixture.paths() == ["image/big.png"])
    }

    @Test func aPartSizeBelowFiveMiBIsRejected() async throws {
        let fixture = try await Fixture.make("partsize", server: .rclone)
        let result = try await fixture.run(["backfill", "--part-size", "1000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("S3_MULTIPART_PART_SIZE"))
    }

    /// A copy in parts is completed under the same guard as a CopyObject (`If-None-Match: *` on
    /// `CompleteMultipartUpload`): a 412, after the application wrote the key, is inspected
    /// again and kept as a conflict; a 501 gets unguarded completions with one warning.
    @Test(arguments: ["guard412", "guard501"])
    func aCopyInPartsIsCompletedUnderTheGuard(fault: String) async throws {
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: [fault])
        defer { proxy.stop() }
        let fixture = try await Fixture.make("mp-\(fault)", server: .moto)
        let big = [UInt8](repeating: 9, count: 6 * 1024 * 1024)
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/big.png", body: big, contentType: "image/png")
        try await fixture.insertRows(["image/big.png"])
        try await fixture.waitPastLastModified(bucket: fixture.sourceBucket, key: "image/big.png")
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("mp-guard-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try await fixture.run(["backfill", "--multipart-threshold", "\(5 * 1024 * 1024)", "--report", report],
                                           overriding: ["AWS_ENDPOINT_URL_S3": proxy.url, "LOG_LEVEL": "warning"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect((try await proxy.counts())["applied:\(fault)", default: 0] == 1, "the completion carried the guard")
        let summary = try FinishingTests.reportLines(report).first { $0["type"] as? String == "summary" }
        let copy = try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/big.png")
        if fault == "guard412" {
            #expect(summary?["conflicts"] as? Int == 1, "\(String(describing: summary))")
            #expect(copy == Array("the application's newer bytes".utf8))
            #expect(try await fixture.paths() == ["image/big.png"])
        } else {
            #expect(summary?["conflicts"] as? Int == 0, "\(String(describing: summary))")
            #expect(copy == big)
            #expect(try await fixture.paths() == ["avatar/big.png"])
            #expect(result.stderr.components(separatedBy: "refuses conditional copies").count == 2, "one warning: \(result.stderr)")
        }
    }
}
