import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct AWSEnvironmentTests {
    @Test func regionFromAWSRegionThenDefault() throws {
        #expect(try AWSEnvironment(environment: ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"]).region == "eu-west-1")
        #expect(try AWSEnvironment(environment: ["AWS_DEFAULT_REGION": "us-west-2"]).region == "us-west-2")
        #expect(throws: AWSConfigurationError.self) { try AWSEnvironment(environment: [:]) }
    }

    @Test func serviceSpecificEndpointWins() throws {
        let environment = try AWSEnvironment(environment: [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5055", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:5056",
        ])
        #expect(try environment.endpoint(for: "s3").description == "http://127.0.0.1:5056")
        #expect(try environment.endpoint(for: "sqs").description == "http://127.0.0.1:5055")
    }

    @Test func defaultEndpointsAndIgnoreSwitch() throws {
        let environment = try AWSEnvironment(environment: [
            "AWS_REGION": "eu-central-1", "AWS_ENDPOINT_URL": "http://localhost:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        ])
        #expect(try environment.customEndpoint(for: "s3") == nil)
        #expect(try environment.endpoint(for: "sqs").description == "https://sqs.eu-central-1.amazonaws.com")
    }

    @Test func badEndpointNamesTheVariable() {
        #expect {
            try AWSEnvironment(environment: ["AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SQS": "ftp://x"]).endpoint(for: "sqs")
        } throws: { error in
            (error as? AWSConfigurationError)?.setting == "AWS_ENDPOINT_URL_SQS"
        }
    }

    @Test func endpointParsing() throws {
        let endpoint = try Endpoint(parsing: "https://s3.example.com:443/base/", setting: "X")
        #expect(endpoint.hostHeader == "s3.example.com")
        #expect(endpoint.basePath == "/base")
        let local = try Endpoint(parsing: "http://127.0.0.1:9000", setting: "X")
        #expect(local.hostHeader == "127.0.0.1:9000")
        #expect(local.prefixingHost(with: "bucket").host == "bucket.127.0.0.1")
    }
}
