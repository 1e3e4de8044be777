import AWS
import MoverCore
import Foundation
import Testing

/// A copy keeps what the source object carries (system and user metadata, tags, checksum,
/// storage class) on both copy paths, takes the settings for encryption and ACL, and is proven
/// identical to its source before its row moves. Read back from moto.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct MetadataFidelityTests {
    static let headers: [(name: String, value: String)] = [
        ("Cache-Control", "max-age=600, public"), ("Content-Disposition", #"inline; filename="avatar.png""#),
        ("Content-Encoding", "identity"), ("Content-Language", "de-CH"), ("Expires", "Thu, 01 Dec 2044 16:00:00 GMT"),
        ("x-amz-tagging", "team=avatars&tier=gold%20plus"), ("x-amz-storage-class", "STANDARD_IA"),
        ("x-amz-checksum-algorithm", "SHA256"),
    ]

    /// Uploads `key` with every kind of metadata; returns its bytes.
    static func upload(_ fixture: Fixture, _ key: String, size: Int) async throws -> [UInt8] {
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ key.utf8.count) }
        let checksum = Data(Digest.sha256(body)).base64EncodedString()
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: body, contentType: "image/png",
                                       metadata: ["owner": "user-12", "origin": "legacy"],
                                       headers: headers + [("x-amz-checksum-sha256", checksum), ("x-amz-sdk-checksum-algorithm", "SHA256")])
        return body
    }

    /// The copy carries the source's metadata, tags, storage class and bytes.
    static func expectSameMetadata(_ fixture: Fixture, _ key: String, storageClass: String = "STANDARD_IA") async throws {
        let destinationKey = "avatar/" + key.dropFirst("image/".count)
        let source = try #require(try await fixture.s3.headObject(bucket: fixture.sourceBucket, key: key, checksums: true))
        let copy = try #require(try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: destinationKey, checksums: true))
        #expect(copy.contentLength == source.contentLength)
        #expect(copy.contentType == "image/png")
        #expect(copy.cacheControl == "max-age=600, public", "\(key)")
        #expect(copy.contentDisposition == #"inline; filename="avatar.png""#, "\(key)")
        #expect(copy.contentEncoding == "identity", "\(key)")
        #expect(copy.contentLanguage == "de-CH", "\(key)")
        #expect(copy.expires == source.expires && copy.expires != nil, "\(key)")
        #expect(copy.userMetadata == ["owner": "user-12", "origin": "legacy"], "\(key)")
        #expect(copy.storageClass == storageClass, "\(key)")
        #expect(!copy.checksums.isEmpty && Set(copy.checksums.keys) == Set(source.checksums.keys),
                "\(key): \(copy.checksums) vs the source's \(source.checksums)")
        let tags = try await fixture.s3.objectTagging(bucket: fixture.destinationBucket, key: destinationKey)
        #expect(tags == "team=avatars&tier=gold%20plus", "\(key)")
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: destinationKey)
                == fixture.s3.getObject(bucket: fixture.sourceBucket, key: key))
    }

    /// One small object (one CopyObject) and one above the lowered multipart threshold
    /// (UploadPartCopy), listed by the backfill.
    @Test func bothCopyPathsKeepMetadataTagsAndStorageClass() async throws {
        let fixture = try await Fixture.make("fidelity", server: .moto)
        _ = try await Self.upload(fixture, "image/small.png", size: 1000)
        _ = try await Self.upload(fixture, "image/large.png", size: 11 * 1024 * 1024 + 5)
        try await fixture.insertRows(["image/large.png", "image/small.png"])
        let result = try await fixture.run(["backfill", "--multipart-threshold", "\(5 * 1024 * 1024)", "--part-size", "\(5 * 1024 * 1024)"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        try await Self.expectSameMetadata(fixture, "image/small.png")
        try await Self.expectSameMetadata(fixture, "image/large.png")
        // The large one really took the multipart path, the small one not.
        let large = try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: "avatar/large.png")
        let small = try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: "avatar/small.png")
        #expect(large?.eTag.flatMap(ETag.init)?.isMultipart == true && small?.eTag.flatMap(ETag.init)?.isMultipart == false)
        #expect(try await fixture.paths() == ["avatar/large.png", "avatar/small.png"])
    }

    /// Without a listing (rows only, as from events) the source is read first: its storage
    /// class still follows. Settings replace the class and add encryption and an ACL; the
    /// expected-owner guards and requester-pays are sent and accepted.
    @Test func settingsSetStorageClassEncryptionAndGuards() async throws {
        let fixture = try await Fixture.make("copyopts", server: .moto)
        _ = try await Self.upload(fixture, "image/follows.png", size: 500)
        try await fixture.insertRows(["image/follows.png"])
        let follows = try await fixture.run(["backfill", "--from-rows"])
        #expect(follows.status == 0, "\(follows.stdout)\(follows.stderr)")
        try await Self.expectSameMetadata(fixture, "image/follows.png")

        _ = try await Self.upload(fixture, "image/set.png", size: 500)
        _ = try await Self.upload(fixture, "image/set-large.png", size: 6 * 1024 * 1024)
        try await fixture.insertRows(["image/set.png", "image/set-large.png"])
        // Through a proxy that counts the headers, since moto accepts any owner and payer.
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["forward"])
        defer { proxy.stop() }
        let set = try await fixture.run(["backfill", "--multipart-threshold", "\(5 * 1024 * 1024)"], overriding: [
            "S3_STORAGE_CLASS": "GLACIER_IR", "S3_SSE": "AES256", "S3_ACL": "bucket-owner-full-control",
            "S3_SOURCE_EXPECTED_OWNER": "123456789012", "S3_DEST_EXPECTED_OWNER": "123456789012",
            "S3_SOURCE_REQUESTER_PAYS": "true", "AWS_ENDPOINT_URL_S3": proxy.url,
        ])
        #expect(set.status == 0, "\(set.stdout)\(set.stderr)")
        let headers = try await proxy.counts()
        for name in ["x-amz-expected-bucket-owner", "x-amz-request-payer", "x-amz-source-expected-bucket-owner:copy",
                     "x-amz-acl:copy", "x-amz-storage-class:copy", "x-amz-server-side-encryption:copy", "x-amz-acl", "x-amz-storage-class"] {
            #expect(headers["header:" + name, default: 0] > 0, "\(name) was never sent: \(headers)")
        }
        for key in ["image/set.png", "image/set-large.png"] {
            try await Self.expectSameMetadata(fixture, key, storageClass: "GLACIER_IR")
            let copy = try #require(try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: "avatar/" + key.dropFirst("image/".count)))
            #expect(copy.serverSideEncryption == "AES256", "\(key)")
        }
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
    }

    @Test(arguments: [
        ("S3_STORAGE_CLASS", "glacier"), ("S3_SSE", "aws:kms:x"), ("S3_ACL", "everyone"),
        ("S3_SOURCE_EXPECTED_OWNER", "12345"), ("S3_SOURCE_REQUESTER_PAYS", "maybe"), ("S3_SSE_KMS_KEY_ID", "alias/k"),
    ])
    func aBadCopySettingIsRefusedByName(variable: String, value: String) async throws {
        let fixture = try await Fixture.make("badcopyopt", server: .moto)
        let result = try await fixture.run(["backfill"], overriding: [variable: value])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(variable), "\(result.stderr)")
    }

    /// A copy that is not the source's bytes (here a proxy writes others and answers 200 with
    /// their ETag) fails; its row stays on the source path. A rerun cannot tell those bytes from
    /// the application's (they are newer than the source and differ): it keeps them and reports a
    /// conflict, the row still at the source. Once the operator deletes the bad copy, as
    /// `verify --deep` advises, a rerun completes it.
    @Test func aCopyThatIsNotIdenticalIsNeverRepointed() async throws {
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["corrupt"])
        defer { proxy.stop() }
        let fixture = try await Fixture.make("notidentical", server: .moto)
        let body = try await Self.upload(fixture, "image/a.png", size: 4096)
        try await fixture.insertRows(["image/a.png"])
        // The bad bytes land in a later second than the source's: by S3's clock they are newer.
        try await fixture.waitPastLastModified(bucket: fixture.sourceBucket, key: "image/a.png")
        let broken = try await fixture.runJSON(["backfill"], overriding: ["AWS_ENDPOINT_URL_S3": proxy.url])
        #expect(broken.status == 1 && broken["failed_by_code", "CopyNotIdentical"] == 1, "\(broken)")
        #expect(try await fixture.paths() == ["image/a.png"])
        #expect((try await proxy.counts())["corrupt", default: 0] >= 1)

        let rerun = try await fixture.runJSON(["backfill"])
        #expect(rerun.status == 0 && rerun["conflicts"] == 1, "\(rerun)")
        #expect(try await fixture.paths() == ["image/a.png"])
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/a.png") != body)

        try await fixture.s3.deleteObject(bucket: fixture.destinationBucket, key: "avatar/a.png")
        let clean = try await fixture.run(["backfill"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(try await fixture.paths() == ["avatar/a.png"])
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/a.png") == body)
    }
}

/// `verify --deep` compares every copy with its source and names those that differ.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct DeepVerifyTests {
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func deepVerifyNamesTheCopiesThatDiffer(server: S3Server) async throws {
        let fixture = try await Fixture.make("deepverify", server: server)
        let keys = (1...5).map { "image/avatar-\($0).png" }
        for key in keys {
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: Array((key + " bytes").utf8), contentType: "image/png")
        }
        // One above a lowered multipart threshold, so its copy's ETag is not comparable.
        let large = (0..<(6 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/large.png", body: large, contentType: "image/png")
        try await fixture.insertRows(keys + ["image/large.png"])
        let threshold = server == .moto ? ["--multipart-threshold", "\(5 * 1024 * 1024)"] : []
        #expect(try await fixture.run(["backfill"] + threshold).status == 0)
        // moto's multipart copy has a -N ETag and no checksum: only its size compares, which
        // proves nothing until both objects are read.
        let unproven = try await fixture.runJSON(["verify", "--deep"])
        if server == .moto {
            #expect(unproven.status == 1 && unproven["copies_unproven"] == 1, "\(unproven)")
        }
        let read = try await fixture.run(["verify", "--deep", "--read"])
        #expect(read.status == 0, "\(read.stdout)\(read.stderr)")

        // Same size, other bytes; and another size.
        try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: "avatar/avatar-2.png",
                                       body: Array("image/avatar-2.png BYTES".utf8), contentType: "image/png")
        try await fixture.s3.putObject(bucket: fixture.destinationBucket, key: "avatar/avatar-4.png", body: Array("short".utf8), contentType: "image/png")
        #expect(try await fixture.run(["verify"]).status == 0, "a shallow verify sees only presence")
        let deep = try await fixture.runJSON(["verify", "--deep", "--read"])
        #expect(deep.status == 1 && deep["copies_not_identical"] == 2 && deep["pairs_compared"] == 6, "\(deep)")
        let differing = deep.object["copies_not_identical_samples"] as? [String] ?? []
        #expect(differing.contains { $0.hasPrefix("image/avatar-2.png: ") } && differing.contains { $0.hasPrefix("image/avatar-4.png: size 5") },
                "\(deep)")
        #expect(deep.object["complete"] as? Bool == false)

        let json = try await fixture.run(["verify", "--deep", "--read", "--json", "--samples", "1"])
        #expect(json.status == 1, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["complete"] as? Bool == false)
        #expect(document["copies_not_identical"] as? Int == 2 && document["pairs_compared"] as? Int == 6)
        #expect((document["copies_not_identical_samples"] as? [String])?.count == 1)
        #expect(document["objects_not_copied"] as? Int == 0 && document["rows_at_source_path"] as? Int == 0)
    }
}
