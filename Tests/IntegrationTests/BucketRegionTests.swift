import AWS
import Foundation
import Testing

/// Buckets in different regions: each request is signed for its bucket's region, discovered
/// with HeadBucket or set; a wrong setting is one clear line. A proxy in front of moto answers as
/// S3 does for a request signed for the wrong region (301 PermanentRedirect, x-amz-bucket-region).
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct BucketRegionTests {
    /// A destination bucket in eu-west-1 (the fixture's own are in us-east-1).
    static func europeanBucket(_ fixture: Fixture) async throws -> String {
        let bucket = fixture.destinationBucket + "-eu"
        let client = S3Client(configuration: .init(endpoint: try Endpoint(parsing: Stack.moto, setting: "test"), region: "eu-west-1",
                                                   usePathStyle: true),
                              credentials: StaticCredentialProvider(S3Server.moto.credentials), http: Stack.http)
        try await client.createBucket(bucket)
        return bucket
    }

    @Test func eachBucketIsAddressedInItsOwnRegion() async throws {
        let fixture = try await Fixture.make("regions", server: .moto)
        let european = try await Self.europeanBucket(fixture)
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["region=\(european)@eu-west-1", "region=\(fixture.sourceBucket)@us-east-1"])
        defer { proxy.stop() }
        try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: "image/a.png", body: Array("a".utf8), contentType: "image/png")
        try await fixture.insertRows(["image/a.png"])
        let environment: [String: String?] = ["AWS_ENDPOINT_URL_S3": proxy.url, "S3_DEST_BUCKET_NAME": european]

        // Discovered: one redirected HeadBucket, then every request signed for eu-west-1.
        let discovered = try await fixture.run(["backfill"], overriding: environment)
        #expect(discovered.status == 0, "\(discovered.stdout)\(discovered.stderr)")
        #expect(try await fixture.paths() == ["avatar/a.png"])
        #expect(try await proxy.counts()["redirected"] == 1)
        #expect(try await fixture.run(["verify", "--deep"], overriding: environment).status == 0)

        // Set, rightly: no redirect at all.
        let before = try await proxy.counts()["redirected"] ?? 0
        let set = try await fixture.run(["verify"], overriding: environment.merging(["S3_DEST_REGION": "eu-west-1"]) { $1 })
        #expect(set.status == 0, "\(set.stdout)\(set.stderr)")
        #expect(try await proxy.counts()["redirected"] == before)

        // Set, wrongly: one line naming the bucket and the region it is really in.
        let wrong = try await fixture.run(["verify"], overriding: environment.merging(["S3_DEST_REGION": "us-west-2"]) { $1 })
        #expect(wrong.status == 3, "\(wrong.stdout)\(wrong.stderr)")
        #expect(wrong.stderr.contains("PermanentRedirect") && wrong.stderr.contains("bucket \(european) is in region eu-west-1, not us-west-2"),
                "\(wrong.stderr)")
    }

    @Test func aBadRegionSettingIsRefusedByName() async throws {
        let fixture = try await Fixture.make("badregion", server: .moto)
        let result = try await fixture.run(["verify"], overriding: ["S3_SOURCE_REGION": "eu west"])
        #expect(result.status == 2 && result.stderr.contains("S3_SOURCE_REGION"), "\(result.stderr)")
    }
}
