import Foundation
import Testing

/// Bad settings and bad credentials: a clear one-line error, a distinct exit code, nothing touched.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct ConfigurationErrorTests {
    @Test func missingSettingNamesVariableAndFlag() async throws {
        let fixture = try await Fixture.make("missing", server: .rclone)
        let result = try await fixture.run(["backfill"], overriding: ["S3_SOURCE_BUCKET_NAME": nil])
        #expect(result.status == 2)
        #expect(result.stderr == "error: S3_SOURCE_BUCKET_NAME is not set (set S3_SOURCE_BUCKET_NAME or pass --source-bucket)\n")
        let worker = try await fixture.run(["worker"])
        #expect(worker.status == 2)
        #expect(worker.stderr.contains("SQS_QUEUE_URL is not set"))
    }

    @Test func wrongCredentialsTouchNothing() async throws {
        let fixture = try await Fixture.make("creds", server: .rclone)
        #expect(try await fixture.run(["seed", "5"]).status == 0)
        let result = try await fixture.run(["backfill"], overriding: ["AWS_SECRET_ACCESS_KEY": "not-the-secret"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("SignatureDoesNotMatch") || result.stderr.contains("InvalidAccessKeyId"), "\(result.stderr)")
        #expect(!result.stderr.contains("not-the-secret"))
        #expect(try await fixture.keys(in: fixture.destinationBucket).isEmpty)
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("image/") })
    }

    @Test func wrongDatabasePasswordIsRedacted() async throws {
        let fixture = try await Fixture.make("dbpw", server: .rclone)
        let bad = Stack.database.replacingOccurrences(of: "s3mover-local", with: "wrong-password-xyz")
        let result = try await fixture.run(["verify"], overriding: ["DB_CONN_STRING": bad])
        #expect(result.status == 3)
        #expect(result.stderr.contains("password authentication failed"), "\(result.stderr)")
        #expect(!result.stderr.contains("wrong-password-xyz"))
        #expect(result.stderr.contains("***"))
    }

    @Test func missingTableIsNamed() async throws {
        let fixture = try await Fixture.make("notable", server: .rclone)
        let result = try await fixture.run(["backfill"], overriding: ["DB_TABLE": "no_such_table_here"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("\"no_such_table_here\".\"path\" does not exist"), "\(result.stderr)")
    }
}
