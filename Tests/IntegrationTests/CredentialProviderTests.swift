import AWS
import Foundation
import Logging
import Testing
import TestSupport

/// Each link of the default credential chain fetching real credentials: web identity and
/// AssumeRole from moto's STS, container credentials and IMDSv2 from a local stub. The binary
/// runs a backfill with nothing but that link configured.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct CredentialProviderTests {
    /// The environment of `fixture` without its access keys, plus `extra`.
    func keyless(_ fixture: Fixture, _ extra: [String: String?]) -> [String: String?] {
        var overriding: [String: String?] = ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_EC2_METADATA_DISABLED": "true"]
        for (key, value) in extra { overriding[key] = value }
        return overriding
    }

    func resolve(_ environment: [String: String], profiles: AWSProfileFiles? = nil) throws -> ResolvedCredentials {
        let environment = environment.merging(["AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": Stack.moto]) { old, _ in old }
        return try CredentialChain.resolve(
            environment: environment, profiles: profiles ?? AWSProfileFiles(config: "", credentials: "", profile: nil),
            aws: try AWSEnvironment(environment: environment), http: Stack.http, logger: Stack.logger)
    }

    func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3m-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Seeds `count` avatars with the fixture's own keys, runs backfill with `overriding`, checks every row moved.
    func backfill(_ fixture: Fixture, count: Int, overriding: [String: String?]) async throws -> CommandResult {
        #expect(try await fixture.run(["seed", String(count)]).status == 0)
        let result = try await fixture.run(["backfill"], overriding: overriding)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
        return result
    }

    @Test func webIdentityTokenFileThroughMotoSTS() async throws {
        let tokenFile = try temporaryFile("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bWlncmF0aW9uOnMzLW1vdmVyIn0.sig\n")
        let irsa = ["AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/s3-mover", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                    "AWS_ROLE_SESSION_NAME": "s3-mover-test"]
        let resolved = try resolve(irsa)
        let credentials = try await resolved.provider.credentials()
        #expect(credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect((credentials.expiration ?? .distantPast) > Date())

        let fixture = try await Fixture.make("irsa")
        _ = try await backfill(fixture, count: 6, overriding: keyless(fixture, irsa.merging(["AWS_ENDPOINT_URL_STS": Stack.moto]) { $1 }))

        // A token file that cannot be read is named in the error, and nothing is touched.
        let broken = try await fixture.run(["backfill"], overriding: keyless(fixture, [
            "AWS_ROLE_ARN": irsa["AWS_ROLE_ARN"], "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token"]))
        #expect(broken.status == 3)
        #expect(broken.stderr.contains("/nonexistent/token"), "\(broken.stderr)")
    }

    @Test func profileWithRoleArnAndSourceProfileAssumesTheRole() async throws {
        let config = try temporaryFile("""
        [profile migration]
        role_arn = arn:aws:iam::123456789012:role/s3-mover
        source_profile = base
        region = us-east-1
        """)
        let credentials = try temporaryFile("[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
        let environment = ["AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_PROFILE": "migration"]
        let resolved = try resolve(environment, profiles: try AWSProfileFiles(environment: environment))
        #expect(resolved.source == "profile 'migration'")
        let assumed = try await resolved.provider.credentials()
        #expect(assumed.accessKeyId.hasPrefix("ASIA"))
        #expect(assumed.accessKeyId != "testing")

        let fixture = try await Fixture.make("profile")
        // The profile's region stands in for AWS_REGION.
        var overriding = keyless(fixture, environment)
        overriding["AWS_REGION"] = .some(nil)
        _ = try await backfill(fixture, count: 4, overriding: overriding)
    }

    @Test func containerCredentialsWithATokenFileFetchedOnceForAWholeRun() async throws {
        let endpoints = try await CredentialEndpoints()
        defer { endpoints.stop() }
        let tokenFile = try temporaryFile(endpoints.token + "\n")
        let fixture = try await Fixture.make("container")
        let container = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(endpoints.url)/container/credentials",
                         "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile]
        _ = try await backfill(fixture, count: 12, overriding: keyless(fixture, container))
        let counts = try await endpoints.counts()
        #expect(counts["container"] == 1, "one fetch shared by every request of the run: \(counts)")
        #expect(counts["refused"] == nil)

        // A wrong token: a clear error that names the endpoint's answer and never the token.
        let wrongToken = try temporaryFile("not-the-token")
        let refused = try await fixture.run(["verify"], overriding: keyless(fixture, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(endpoints.url)/container/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": wrongToken]))
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("container credentials") && refused.stderr.contains("401"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-token"))
    }

    @Test func instanceMetadataUsesIMDSv2SessionTokens() async throws {
        let endpoints = try await CredentialEndpoints()
        defer { endpoints.stop() }
        let fixture = try await Fixture.make("imds")
        var overriding = keyless(fixture, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoints.url])
        overriding["AWS_EC2_METADATA_DISABLED"] = .some(nil)
        _ = try await backfill(fixture, count: 5, overriding: overriding)
        let counts = try await endpoints.counts()
        #expect(counts["imds_token"] == 1 && counts["imds_role"] == 1 && counts["imds"] == 1, "\(counts)")
        #expect(counts["refused"] == nil, "every metadata request carried the IMDSv2 session token: \(counts)")
    }

    @Test func shortLivedCredentialsAreRefreshedBeforeTheyExpire() async throws {
        // 304 s of validity is inside the 5-minute refresh margin after four seconds.
        let endpoints = try await CredentialEndpoints()
        defer { endpoints.stop() }
        let tokenFile = try temporaryFile(endpoints.token)
        let resolved = try resolve([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(endpoints.url)/container/credentials?ttl=304",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
        ])
        let first = try await resolved.provider.credentials()
        let again = try await resolved.provider.credentials()
        #expect(first == again)
        // Four seconds on, 300 s of validity remain: inside the refresh margin.
        let refreshed = try await waitForValue("the credentials to be refreshed", timeout: .seconds(30), every: .milliseconds(250)) {
            let current = try await resolved.provider.credentials()
            return current.accessKeyId != first.accessKeyId ? current : nil
        }
        #expect(refreshed.accessKeyId != first.accessKeyId)
        #expect(try await endpoints.counts()["container"] == 2)
    }
}
