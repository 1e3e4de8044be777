public import CurlHTTP
import FoundationEssentials

/// A client for the two STS operations credential providers need, over the AWS query protocol.
///
/// `AssumeRoleWithWebIdentity` is sent unsigned (the web identity token is the proof);
/// `AssumeRole` is signed with the source credentials. One attempt per call: a failure surfaces as
/// ``CredentialError`` (transient for transport failures and 5xx answers) and the shared
/// ``RefreshingCredentialProvider`` keeps serving still-valid credentials meanwhile.
public struct STSClient: Sendable {
    /// `AWS_ENDPOINT_URL_STS`/`AWS_ENDPOINT_URL`, or the regional `https://sts.<region>.amazonaws.com`.
    public let endpoint: Endpoint
    public let region: String
    let http: HTTPClient
    /// Total timeout per call: 30 s, as the S3 and SQS clients' (botocore waits a minute for an
    /// answer). A refresh that times out costs little, since the refresher serves the current
    /// credentials meanwhile; a short limit would only fail a start against a busy endpoint.
    public var requestTimeout: Duration = .seconds(30)

    /// Creates a client that posts to `endpoint`.
    public init(endpoint: Endpoint, region: String, http: HTTPClient) {
        self.endpoint = endpoint
        self.region = region
        self.http = http
    }

    /// Creates a client at the STS endpoint `environment` resolves.
    public init(environment: AWSEnvironment, http: HTTPClient) throws {
        self.init(endpoint: try environment.endpoint(for: "sts"), region: environment.region, http: http)
    }

    /// Exchanges a web identity (OIDC) token for role credentials (EKS IRSA).
    public func assumeRoleWithWebIdentity(
        roleArn: String, sessionName: String, webIdentityToken: String, durationSeconds: Int? = nil, source: String
    ) async throws -> AWSCredentials {
        var parameters = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"),
                          ("RoleArn", roleArn), ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try await call("AssumeRoleWithWebIdentity", parameters, signedWith: nil, source: source)
    }

    /// Assumes `roleArn` using `credentials` (a profile's `source_profile` or `credential_source`).
    public func assumeRole(
        roleArn: String, sessionName: String, externalId: String? = nil, durationSeconds: Int? = nil,
        credentials: AWSCredentials, source: String
    ) async throws -> AWSCredentials {
        var parameters = [("Action", "AssumeRole"), ("Version", "2011-06-15"),
                          ("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let externalId { parameters.append(("ExternalId", externalId)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try await call("AssumeRole", parameters, signedWith: credentials, source: source)
    }

    private func call(
        _ operation: String, _ parameters: [(String, String)], signedWith credentials: AWSCredentials?, source: String
    ) async throws -> AWSCredentials {
        let body = Array(parameters.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }.joined(separator: "&").utf8)
        let contentType = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        let response: HTTPResponse
        do {
            if let credentials {
                let sender = AWSRequestSender(service: "sts", region: region, credentials: StaticCredentialProvider(credentials), http: http)
                response = try await sender.send(method: "POST", endpoint: endpoint, path: "/", headers: [contentType],
                                                 body: body, timeout: requestTimeout)
            } else {
                let url = endpoint.origin + (endpoint.basePath.isEmpty ? "/" : endpoint.basePath)
                response = try await http.execute(HTTPRequest(
                    method: "POST", url: url, headers: [contentType], body: body, timeout: requestTimeout))
            }
        } catch let error as HTTPClientError {
            throw CredentialError(code: "STSUnreachable", source: source,
                                  message: "\(operation) at \(endpoint): \(error)", isTransient: true)
        }
        guard (200..<300).contains(response.status) else {
            let root = try? XMLElement.parse(response.body)
            let error = root?.child("Error")
            let code = error?.text(of: "Code").map(AWSErrorCode.validated) ?? "HTTP\(response.status)"
            let message = error?.text(of: "Message") ?? String(response.bodyText.prefix(200))
            let transient = response.status >= 500 || code == "Throttling" || code == "IDPCommunicationError"
            throw CredentialError(code: code, source: source, message: "\(operation) (HTTP \(response.status)): \(message)",
                                  isTransient: transient)
        }
        guard let root = try? XMLElement.parse(response.body),
              let result = root.child("\(operation)Result")?.child("Credentials"),
              let id = result.text(of: "AccessKeyId"), let secret = result.text(of: "SecretAccessKey") else {
            throw CredentialError(code: "InvalidResponse", source: source, message: "\(operation) answer has no credentials")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: result.text(of: "SessionToken"),
                              expiration: result.text(of: "Expiration").flatMap(ISO8601Timestamp.parse))
    }
}
