import CurlHTTP
import FoundationEssentials

/// The JSON document container and instance-metadata endpoints answer with.
struct CredentialDocument: Decodable {
    var Code: String?
    var Message: String?
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?

    /// Decodes `response` into credentials, or throws a ``CredentialError`` naming `source`.
    static func credentials(from response: HTTPResponse, source: String) throws -> AWSCredentials {
        guard (200..<300).contains(response.status) else {
            throw CredentialError(code: "CredentialsEndpointError", source: source,
                                  message: "HTTP \(response.status): \(String(response.bodyText.prefix(200)))",
                                  isTransient: response.status >= 500 || response.status == 429)
        }
        guard let document = try? JSONDecoder().decode(CredentialDocument.self, from: Data(response.body)) else {
            throw CredentialError(code: "InvalidResponse", source: source, message: "the answer is not a credentials document")
        }
        if let code = document.Code, code != "Success" {
            throw CredentialError(code: code, source: source, message: document.Message ?? "the endpoint reported \(code)")
        }
        guard let id = document.AccessKeyId, !id.isEmpty, let secret = document.SecretAccessKey, !secret.isEmpty else {
            throw CredentialError(code: "InvalidResponse", source: source, message: "the answer has no AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: document.Token,
                              expiration: document.Expiration.flatMap(ISO8601Timestamp.parse))
    }
}

extension HTTPClient {
    /// Sends a credentials-endpoint request, mapping transport failures to a transient ``CredentialError``.
    func fetchCredentialEndpoint(_ request: HTTPRequest, source: String) async throws -> HTTPResponse {
        do {
            return try await execute(request)
        } catch let error as HTTPClientError {
            throw CredentialError(code: "CredentialsEndpointUnreachable", source: source, message: "\(error)", isTransient: true)
        }
    }
}
