public import CurlHTTP
import FoundationEssentials
import TextSupport

/// Credentials from a container credentials endpoint: EKS Pod Identity
/// (`AWS_CONTAINER_CREDENTIALS_FULL_URI` + `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`) or ECS
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, served at `169.254.170.2`).
public struct ContainerCredentialProvider: CredentialProvider {
    /// The endpoint URL.
    public let url: String
    let tokenFile: String?
    let token: String?
    let http: HTTPClient
    static let source = "container credentials"

    /// Reads the `AWS_CONTAINER_*` variables. Returns nil when neither URI variable is set;
    /// throws when `FULL_URI` is neither HTTPS nor a loopback or the EKS/ECS link-local address,
    /// which the SDKs refuse in order not to send the token elsewhere.
    public init?(environment: [String: String], http: HTTPClient) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            url = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            let endpoint = try Endpoint(parsing: full, setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI")
            guard endpoint.scheme == "https" || Self.isAllowedHTTPHost(endpoint.host) else {
                throw CredentialError(
                    code: "InvalidConfiguration", source: Self.source,
                    message: "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, a loopback address, 169.254.170.2 or 169.254.170.23 (got host \(endpoint.host))")
            }
            url = full
        } else {
            return nil
        }
        tokenFile = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        self.http = http
    }

    static func isAllowedHTTPHost(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" || bare == "169.254.170.2" || bare == "169.254.170.23"
            || bare.lowercased() == "fd00:ec2::23" { return true }
        let octets = bare.split(separator: ".")
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    public func credentials() async throws -> AWSCredentials {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let tokenFile {
            // Re-read each time: EKS rotates the Pod Identity token.
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw CredentialError(code: "InvalidConfiguration", source: Self.source,
                                      message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile)", isTransient: true)
            }
            headers.append(("Authorization", text.trimmingWhitespace()))
        } else if let token {
            headers.append(("Authorization", token))
        }
        let response = try await http.fetchCredentialEndpoint(
            HTTPRequest(method: "GET", url: url, headers: headers, timeout: .seconds(5), connectTimeout: .seconds(2)),
            source: Self.source)
        return try CredentialDocument.credentials(from: response, source: Self.source)
    }
}
