public import CurlHTTP
import TextSupport

/// Credentials of the EC2 instance profile, through IMDSv2: a session token from
/// `PUT /latest/api/token`, then the role name and its credentials under
/// `/latest/meta-data/iam/security-credentials/`.
///
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides the endpoint (default `http://169.254.169.254`;
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` uses `http://[fd00:ec2::254]`), and
/// `AWS_EC2_METADATA_DISABLED=true` turns the provider off. Timeouts are short (1 s to connect)
/// because off EC2 nothing answers.
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    public let endpoint: String
    let http: HTTPClient
    static let source = "EC2 instance metadata (IMDSv2)"

    /// Returns nil when `AWS_EC2_METADATA_DISABLED` is `true`.
    public init?(environment: [String: String], http: HTTPClient) throws {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        if let custom = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"], !custom.isEmpty {
            let parsed = try Endpoint(parsing: custom, setting: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
            endpoint = parsed.origin + parsed.basePath
        } else if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            endpoint = "http://[fd00:ec2::254]"
        } else {
            endpoint = "http://169.254.169.254"
        }
        self.http = http
    }

    public func credentials() async throws -> AWSCredentials {
        func request(_ method: String, _ path: String, _ headers: [(name: String, value: String)]) async throws -> HTTPResponse {
            try await http.fetchCredentialEndpoint(
                HTTPRequest(method: method, url: endpoint + path, headers: headers, timeout: .seconds(3), connectTimeout: .seconds(1)),
                source: Self.source)
        }
        let tokenResponse = try await request("PUT", "/latest/api/token", [("X-aws-ec2-metadata-token-ttl-seconds", "21600")])
        guard tokenResponse.status == 200, !tokenResponse.body.isEmpty else {
            throw CredentialError(code: "CredentialsEndpointError", source: Self.source,
                                  message: "no IMDSv2 session token (HTTP \(tokenResponse.status))",
                                  isTransient: tokenResponse.status >= 500)
        }
        let tokenHeader = ("X-aws-ec2-metadata-token", tokenResponse.bodyText.trimmingWhitespace())
        let roleResponse = try await request("GET", "/latest/meta-data/iam/security-credentials/", [tokenHeader])
        guard roleResponse.status == 200,
              let role = roleResponse.bodyText.split(whereSeparator: \.isNewline).first?.trimmingWhitespace(), !role.isEmpty else {
            throw CredentialError(code: "CredentialsEndpointError", source: Self.source,
                                  message: "the instance has no IAM role (HTTP \(roleResponse.status))",
                                  isTransient: roleResponse.status >= 500)
        }
        let response = try await request("GET", "/latest/meta-data/iam/security-credentials/" + URIEncoding.encode(role), [tokenHeader])
        return try CredentialDocument.credentials(from: response, source: Self.source)
    }
}
