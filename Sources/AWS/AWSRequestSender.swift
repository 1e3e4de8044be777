import CurlHTTP
import Synchronization

/// Signs and sends one request to one AWS service. Single attempt: retry policy is the caller's.
struct AWSRequestSender: Sendable {
    let service: String
    let region: String
    let credentials: any CredentialProvider
    let http: HTTPClient
    /// The derived signing key of the current credentials and day, shared by copies of this sender.
    let keyCache = SigningKeyCache()

    /// Signs with the current time and sends. `path` is raw; the signer encodes it. `region`
    /// replaces the sender's signing region (an S3 bucket in another region).
    func send(
        method: String,
        endpoint: Endpoint,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration,
        region: String? = nil
    ) async throws -> HTTPResponse {
        let signer = SigV4Signer(credentials: try await credentials.credentials(), region: region ?? self.region, service: service)
        let payloadHash = body.isEmpty ? Digest.emptySHA256 : Digest.hex(Digest.sha256(body))
        let date = AMZDate.now()
        let signed = signer.sign(
            .init(method: method, host: endpoint.hostHeader, path: endpoint.basePath + path,
                  query: query, headers: headers, payloadHash: payloadHash),
            date: date, signingKey: keyCache.key(for: signer, day: date.day))
        let url = endpoint.origin + signed.encodedPath + (signed.encodedQuery.isEmpty ? "" : "?" + signed.encodedQuery)
        return try await http.execute(HTTPRequest(method: method, url: url, headers: signed.headers, body: body, timeout: timeout))
    }
}

/// The derived SigV4 signing keys, by region: a key depends only on the secret, the day, the
/// region and the service, so one HMAC chain a day and region serves every request instead of
/// four HMACs each.
final class SigningKeyCache: Sendable {
    private struct Entry {
        var secret: String
        var day: String
        var key: [UInt8]
    }

    private let entries = Mutex<[String: Entry]>([:])

    func key(for signer: SigV4Signer, day: String) -> [UInt8] {
        let secret = signer.credentials.secretAccessKey
        if let cached = entries.withLock({ $0[signer.region] }), cached.day == day, cached.secret == secret { return cached.key }
        let key = signer.signingKey(day: day)
        entries.withLock { $0[signer.region] = Entry(secret: secret, day: day, key: key) }
        return key
    }
}
