import AWS
import Foundation
import Testing
import TestSupport

/// "Proven identical" means the bytes: an SSE-KMS object's ETag is not an MD5 of its content, so
/// without a checksum only its size compares, and other bytes of the same size are not its copy.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct ContentProofTests {
    static let kms: [(name: String, value: String)] = [("x-amz-server-side-encryption", "aws:kms")]

    /// Two SSE-KMS sources, migrated; then one copy is replaced by other bytes of the same size.
    static func tampered(_ fixture: Fixture) async throws {
        for key in ["image/kept.png", "image/tampered.png"] {
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array("twelve bytes".utf8), contentType: "image/png",
                                           headers: kms)
        }
        try await fixture.insertRows(["image/kept.png", "image/tampered.png"])
        let backfill = try await fixture.run(["backfill"])
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)")
        let source = try #require(try await fixture.s3.headObject(bucket: fixture.sourceBucket, key: "image/kept.png"))
        #expect(source.serverSideEncryption == "aws:kms", "moto keeps SSE-KMS: \(source)")
        try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: "avatar/tampered.png", body: Array("TWELVE BYTES".utf8),
                                       contentType: "image/png", headers: kms)
    }

    @Test func sameSizeOtherBytesAreUnprovenThenDifferent() async throws {
        let fixture = try await Fixture.make("proof-kms")
        try await Self.tampered(fixture)
        let deep = try await fixture.run(["verify", "--deep", "--json"])
        #expect(deep.status == 1, "size alone is not complete: \(deep.stdout)")
        let unproven = try #require(try JSONSerialization.jsonObject(with: Data(deep.stdout.utf8)) as? [String: Any])
        // The untouched pair's listed ETags agree (moto's are MD5s even under SSE-KMS; Amazon S3's
        // differ per object, and then it is unproven too); the tampered pair's do not.
        #expect((1...2).contains(unproven["copies_unproven"] as? Int ?? 0) && unproven["complete"] as? Bool == false, "\(unproven)")
        #expect((unproven["copies_unproven_samples"] as? [String])?.contains { $0.hasPrefix("image/tampered.png: only the size") } == true)

        let read = try await fixture.run(["verify", "--deep", "--read", "--concurrency", "2", "--json"])
        #expect(read.status == 1, "\(read.stdout)")
        let proven = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        #expect(proven["copies_unproven"] as? Int == 0 && proven["copies_not_identical"] as? Int == 1 && (proven["pairs_read"] as? Int ?? 0) >= 1,
                "\(proven)")
        #expect((proven["copies_not_identical_samples"] as? [String])?.first?.hasPrefix("image/tampered.png: content SHA-256") == true, "\(proven)")
    }

    /// finalize reads both objects where only the size compares: it deletes the proven source,
    /// keeps the tampered one, exits 1 and says so in its report.
    @Test func finalizeDeletesOnlyOnContentEvidence() async throws {
        let fixture = try await Fixture.make("proof-finalize")
        try await Self.tampered(fixture)
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("proof-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let keep = try await fixture.runJSON(["finalize", "--delete-source", "--yes", "--keep-unproven"])
        #expect(keep.status == 1 && keep["kept"] == 2 && keep["skipped_by_reason", "unproven"] == 2, "\(keep)")
        #expect(try await fixture.keys(in: fixture.sourceBucket).count == 2)

        let real = try await fixture.run(["finalize", "--delete-source", "--yes", "--report", report])
        #expect(real.status == 1, "\(real.stdout)\(real.stderr)")
        #expect(try await fixture.keys(in: fixture.sourceBucket) == ["image/tampered.png"], "the only copy of the real bytes stays")
        let lines = try FinishingTests.reportLines(report)
        let summary = try #require(lines.first { $0["type"] as? String == "summary" })
        #expect(summary["deleted"] as? Int == 1 && summary["kept"] as? Int == 1 && summary["succeeded"] as? Bool == false, "\(summary)")
        #expect(lines.contains { $0["type"] as? String == "kept" && $0["key"] as? String == "image/tampered.png" && $0["reason"] as? String == "copy-differs" },
                "\(lines)")
    }
}
