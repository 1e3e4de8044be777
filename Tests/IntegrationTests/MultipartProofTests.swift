import AWS
import Foundation
import Testing

/// Sources uploaded in parts (a `-N` ETag, which is not an MD5 of the content), with and without
/// checksums, and an SSE-KMS source with a checksum: each copy is proven by content evidence,
/// and other bytes of the same size put at the destination afterwards are never taken for it.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct MultipartProofTests {
    /// How the source was uploaded: in parts with this checksum algorithm and type (none: no
    /// checksum at all).
    struct Upload: Sendable, CustomTestStringConvertible {
        var server: S3Server
        var algorithm: String?
        var type: String?
        var testDescription: String { "\(server) \(algorithm ?? "no checksum") \(type ?? "")" }
        /// Whether S3's metadata tells other bytes apart at once: a full-object checksum does, and
        /// so does rclone's ETag, an MD5 of the content even for an upload in parts (measured).
        var tellsBytesApart: Bool { type == "FULL_OBJECT" || server == .rclone }
    }

    static let uploads = [
        Upload(server: .moto), Upload(server: .moto, algorithm: "CRC32"), Upload(server: .moto, algorithm: "SHA256", type: "COMPOSITE"),
        Upload(server: .moto, algorithm: "CRC32", type: "FULL_OBJECT"), Upload(server: .rclone),
    ]

    @Test(arguments: uploads)
    func aMultipartSourceIsProvenByItsContent(upload: Upload) async throws {
        let fixture = try await Fixture.make("mp-proof", server: upload.server)
        let key = "image/parts.png", copyKey = "avatar/parts.png"
        try await fixture.uploadInParts(bucket: fixture.sourceBucket, key: key, algorithm: upload.algorithm, type: upload.type)
        let source = try #require(try await fixture.s3.headObject(bucket: fixture.sourceBucket, key: key, checksums: true))
        #expect(upload.server == .rclone || source.eTag?.hasSuffix("-2\"") == true, "a multipart ETag: \(source)")
        try await fixture.insertRows([key])

        let backfill = try await fixture.run(["backfill"])
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)")
        #expect(try await fixture.paths() == [copyKey])
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: copyKey)
                == (try await fixture.s3.getObject(bucket: fixture.sourceBucket, key: key)))
        let proven = try await fixture.run(["verify", "--deep", "--read", "--json"])
        #expect(proven.status == 0, "\(proven.stdout)\(proven.stderr)")

        // Other bytes of the same size, uploaded the same way, where the copy was.
        try await fixture.uploadInParts(bucket: fixture.destinationBucket, key: copyKey, algorithm: upload.algorithm, type: upload.type)
        let deep = try Self.json(try await fixture.run(["verify", "--deep", "--json"]), status: 1)
        #expect(deep["complete"] as? Bool == false, "\(deep)")
        if upload.tellsBytesApart {
            #expect(deep["copies_not_identical"] as? Int == 1, "the checksums or MD5 ETags differ: \(deep)")
        } else {
            #expect(deep["copies_unproven"] as? Int == 1, "only the size compares: \(deep)")
        }
        let read = try Self.json(try await fixture.run(["verify", "--deep", "--read", "--json"]), status: 1)
        #expect(read["copies_unproven"] as? Int == 0 && read["copies_not_identical"] as? Int == 1, "\(read)")

        let report = FileManager.default.temporaryDirectory.appendingPathComponent("mp-proof-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let finalize = try await fixture.run(["finalize", "--delete-source", "--yes", "--report", report])
        #expect(finalize.status == 1, "\(finalize.stdout)\(finalize.stderr)")
        #expect(try await fixture.keys(in: fixture.sourceBucket) == [key], "the only copy of the real bytes stays")
        let lines = try FinishingTests.reportLines(report)
        #expect(lines.first { $0["type"] as? String == "summary" }?["kept"] as? Int == 1, "\(lines)")
        #expect(lines.contains { $0["type"] as? String == "kept" && $0["reason"] as? String == "copy-differs" }, "\(lines)")
    }

    /// An SSE-KMS source (its ETag is not an MD5 of the content) with a SHA-256 checksum: the
    /// checksum proves the copy, and tells same-size other bytes apart without reading them.
    @Test func anSSEKMSSourceWithAChecksumIsProvenByIt() async throws {
        let fixture = try await Fixture.make("kms-checksum")
        let body = Array("twelve bytes".utf8), other = Array("TWELVE BYTES".utf8)
        func headers(_ bytes: [UInt8]) -> [(name: String, value: String)] {
            ContentProofTests.kms + [("x-amz-checksum-sha256", Data(Digest.sha256(bytes)).base64EncodedString()),
                                     ("x-amz-sdk-checksum-algorithm", "SHA256")]
        }
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/k.png", body: body, contentType: "image/png", headers: headers(body))
        try await fixture.insertRows(["image/k.png"])
        let backfill = try await fixture.run(["backfill"])
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)")
        let source = try #require(try await fixture.s3.headObject(bucket: fixture.sourceBucket, key: "image/k.png", checksums: true))
        #expect(source.serverSideEncryption == "aws:kms" && source.checksums["SHA256"] != nil, "\(source)")
        let copy = try #require(try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: "avatar/k.png", checksums: true))
        #expect(copy.checksums["SHA256"] == source.checksums["SHA256"], "the copy keeps the checksum: \(copy)")
        #expect(try await fixture.run(["verify", "--deep", "--json"]).status == 0)

        try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: "avatar/k.png", body: other, contentType: "image/png",
                                       headers: headers(other))
        let deep = try Self.json(try await fixture.run(["verify", "--deep", "--json"]), status: 1)
        #expect(deep["copies_not_identical"] as? Int == 1 && deep["copies_unproven"] as? Int == 0, "\(deep)")
    }

    static func json(_ result: CommandResult, status: Int32) throws -> [String: Any] {
        #expect(result.status == status, "\(result.stdout)\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }
}

extension Fixture {
    /// Uploads `key` in two parts (5 MiB and 1,000 bytes) with the SDK's multipart upload
    /// (Support/multipart_upload.py), with the checksum `algorithm` and `type`, or none.
    func uploadInParts(bucket: String, key: String, algorithm: String? = nil, type: String? = nil) async throws {
        let script = Stack.root.appendingPathComponent("Tests/IntegrationTests/Support/multipart_upload.py").path
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ACCESS_KEY_ID"] = server.credentials.accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = server.credentials.secretAccessKey
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        let arguments = [script, server.endpoint, bucket, key, "\(5 * 1024 * 1024)", "2"] + [algorithm, type].compactMap { $0 }
        let result = try await Command.run("/usr/bin/env", ["python3"] + arguments, environment: environment)
        guard result.status == 0 else { throw CommandError(description: "multipart_upload.py \(key): \(result.stderr)") }
    }
}
