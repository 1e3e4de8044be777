import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct AWSProfileFilesTests {
    let config = """
    # comment
    [default]
    region = eu-west-1

    [profile deploy]
    role_arn = arn:aws:iam::123456789012:role/s3-mover
    source_profile = base ; trailing comment
    region=us-east-2
    s3 =
      max_concurrent_requests = 20

    [sso-session corp]
    sso_region = us-east-1
    """
    let credentials = """
    [base]
    aws_access_key_id = AKIDBASE
    aws_secret_access_key = base/secret

    [default]
    aws_access_key_id = AKIDDEFAULT
    aws_secret_access_key = default-secret
    """

    @Test func mergesBothFilesPerProfile() {
        let files = AWSProfileFiles(config: config, credentials: credentials, profile: nil)
        #expect(files.selected == "default")
        #expect(files.explicitlySelected == false)
        #expect(files.region == "eu-west-1")
        #expect(files.current?["aws_access_key_id"] == "AKIDDEFAULT")
        #expect(files.profiles["deploy"]?["source_profile"] == "base")
        #expect(files.profiles["deploy"]?["s3"] == "")
        #expect(files.profiles["deploy"]?["max_concurrent_requests"] == nil)
        #expect(files.profiles["corp"] == nil, "sso-session sections are not profiles")
        #expect(files.profiles["base"]?["aws_secret_access_key"] == "base/secret")
    }

    @Test func awsProfileSelects() {
        let files = AWSProfileFiles(config: config, credentials: credentials, profile: "deploy")
        #expect(files.explicitlySelected)
        #expect(files.region == "us-east-2")
    }

    @Test func missingFilesAreEmpty() throws {
        let files = try AWSProfileFiles(environment: [
            "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"])
        #expect(files.profiles.isEmpty)
        #expect(files.current == nil)
    }
}
