import AWS
import CurlHTTP
import Logging
import Testing

/// Which provider the chain picks, and the configuration errors it reports. No network: the
/// providers are only chosen here; fetching is tested against moto and a stub in IntegrationTests.
@Suite(.timeLimit(.minutes(2))) struct CredentialChainTests {
    let http = HTTPClient()
    let noFiles = AWSProfileFiles(config: "", credentials: "", profile: nil)

    func resolve(_ environment: [String: String], files: AWSProfileFiles? = nil) throws -> ResolvedCredentials {
        var environment = environment
        environment["AWS_REGION"] = environment["AWS_REGION"] ?? "us-east-1"
        let aws = try AWSEnvironment(environment: environment)
        return try CredentialChain.resolve(environment: environment, profiles: files ?? noFiles, aws: aws, http: http,
                                           logger: Logger(label: "test"))
    }

    @Test func environmentComesFirst() async throws {
        let resolved = try resolve([
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI", "AWS_SESSION_TOKEN": "token",
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/token",
        ])
        #expect(resolved.source.hasPrefix("environment"))
        #expect(!resolved.source.contains("wJalrXUtnFEMI"))
        let credentials = try await resolved.provider.credentials()
        #expect(credentials.sessionToken == "token")
        #expect(!"\(credentials)".contains("wJalrXUtnFEMI"))
    }

    @Test func halfAKeyPairIsAnError() {
        #expect {
            try resolve(["AWS_ACCESS_KEY_ID": "AKID"])
        } throws: { error in
            let error = error as? CredentialError
            return error?.isConfigurationError == true && error?.message.contains("AWS_SECRET_ACCESS_KEY") == true
        }
    }

    @Test func webIdentityBeforeProfilesAndContainers() throws {
        let resolved = try resolve([
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials",
        ], files: AWSProfileFiles(config: "", credentials: "[default]\naws_access_key_id=A\naws_secret_access_key=B", profile: nil))
        #expect(resolved.source == "web identity (AWS_ROLE_ARN=arn:aws:iam::123456789012:role/r)")
        #expect(throws: CredentialError.self) { try resolve(["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"]) }
    }

    @Test func profileThenContainerThenInstanceMetadata() throws {
        let files = AWSProfileFiles(config: "", credentials: "[default]\naws_access_key_id=A\naws_secret_access_key=B", profile: nil)
        #expect(try resolve(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2"], files: files).source == "profile 'default'")
        #expect(try resolve(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"]).source
            == "container credentials (http://169.254.170.2/v2/credentials/abc)")
        #expect(try resolve([:]).source == "EC2 instance metadata (http://169.254.169.254)")
        #expect {
            try resolve(["AWS_EC2_METADATA_DISABLED": "true"])
        } throws: { ($0 as? CredentialError)?.code == "NoCredentials" }
    }

    @Test func containerFullURIMustNotLeakTheToken() throws {
        #expect(try resolve(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"]).source.contains("169.254.170.23"))
        #expect(try resolve(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds"]).source.contains("127.0.0.1"))
        #expect(try resolve(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/x"]).source.contains("example.com"))
        #expect {
            try resolve(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://creds.example.com/x"])
        } throws: { ($0 as? CredentialError)?.message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true }
    }

    @Test func explicitProfileMustExistAndHaveCredentials() {
        #expect {
            try resolve([:], files: AWSProfileFiles(config: "", credentials: "", profile: "prod"))
        } throws: { error in
            let error = error as? CredentialError
            return error?.code == "InvalidProfile" && error?.source == "profile 'prod'"
        }
        #expect {
            try resolve([:], files: AWSProfileFiles(config: "[profile prod]\nregion = us-east-1", credentials: "", profile: "prod"))
        } throws: { ($0 as? CredentialError)?.code == "InvalidProfile" }
    }

    @Test func assumeRoleProfilesFollowSourceProfiles() throws {
        let config = """
        [profile deploy]
        role_arn = arn:aws:iam::123456789012:role/deploy
        source_profile = base
        [profile loop-a]
        role_arn = arn:aws:iam::123456789012:role/a
        source_profile = loop-b
        [profile loop-b]
        role_arn = arn:aws:iam::123456789012:role/b
        source_profile = loop-a
        [profile broken]
        role_arn = arn:aws:iam::123456789012:role/x
        [profile from-env]
        role_arn = arn:aws:iam::123456789012:role/y
        credential_source = Environment
        """
        let credentials = "[base]\naws_access_key_id = A\naws_secret_access_key = B\n"
        func files(_ profile: String) -> AWSProfileFiles { AWSProfileFiles(config: config, credentials: credentials, profile: profile) }
        #expect(try resolve([:], files: files("deploy")).source == "profile 'deploy'")
        #expect {
            try resolve([:], files: files("loop-a"))
        } throws: { ($0 as? CredentialError)?.message.contains("cycle") == true }
        #expect {
            try resolve([:], files: files("broken"))
        } throws: { ($0 as? CredentialError)?.message.contains("source_profile") == true }
        #expect {
            try resolve([:], files: files("from-env"))
        } throws: { ($0 as? CredentialError)?.message.contains("Environment") == true }
    }
}
