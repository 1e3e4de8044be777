import CurlHTTP

/// Signs and sends one request to one AWS service. Single attempt: retry policy is the caller's.
struct AWSRequestSender: Sendable {
    let service: String
    let region: String
    let credentials: any CredentialProvider
    let http: HTTPClient

    /// Signs with the current time and sends. `path` is raw; the signer encodes it.
    func send(
        method: String,
        endpoint: Endpoint,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration
    ) async throws -> HTTPResponse {
        let signer = SigV4Signer(credentials: try await credentials.credentials(), region: region, service: service)
        let payloadHash = body.isEmpty ? Digest.emptySHA256 : Digest.hex(Digest.sha256(body))
        let signed = signer.sign(
            .init(method: method, host: endpoint.hostHeader, path: endpoint.basePath + path,
                  query: query, headers: headers, payloadHash: payloadHash),
            date: .now())
        let url = endpoint.origin + signed.encodedPath + (signed.encodedQuery.isEmpty ? "" : "?" + signed.encodedQuery)
        return try await http.execute(HTTPRequest(method: method, url: url, headers: signed.headers, body: body, timeout: timeout))
    }
}
