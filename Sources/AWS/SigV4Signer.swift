/// AWS Signature Version 4 for HTTP request headers.
///
/// A pure value: the credentials, region and service are fixed at creation, and the date is an
/// argument, so signatures are reproducible in tests. For S3 (`isS3`), the path is encoded
/// once per segment and never normalised, and `x-amz-content-sha256` is signed on every request.
public struct SigV4Signer: Sendable {
    /// What to sign. `path` and the query items are raw (unencoded); the signer encodes them.
    public struct Request: Sendable {
        public var method: String
        /// `host` or `host:port`, exactly as the `Host` header is sent.
        public var host: String
        /// The raw path, starting with `/`.
        public var path: String
        /// Raw query items; order does not matter.
        public var query: [(name: String, value: String)]
        /// Headers to sign besides `host`, `x-amz-date`, and the token and content hash.
        public var headers: [(name: String, value: String)]
        /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
        public var payloadHash: String

        /// Creates a request to sign.
        public init(method: String, host: String, path: String, query: [(name: String, value: String)] = [],
                    headers: [(name: String, value: String)] = [], payloadHash: String = Digest.emptySHA256) {
            self.method = method
            self.host = host
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The signed result: the exact path and query to put on the wire, and all headers to send.
    public struct Signed: Sendable {
        /// The encoded path, identical to the canonical URI for S3.
        public var encodedPath: String
        /// The canonical query string, which is also what goes on the wire.
        public var encodedQuery: String
        /// The request's headers plus `x-amz-date`, the token, the content hash and `Authorization`.
        public var headers: [(name: String, value: String)]
        /// The canonical request (for tests and debugging; contains no secret).
        public var canonicalRequest: String
        /// The string to sign (contains no secret).
        public var stringToSign: String
    }

    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    /// Creates a signer.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    private var isS3: Bool { service == "s3" }

    /// Signs `request` as of `date`. `signingKey`, when given, must be ``signingKey(day:)`` for
    /// `date.day` (callers that sign many requests cache it; it changes once a day).
    public func sign(_ request: Request, date: AMZDate, signingKey precomputedKey: [UInt8]? = nil) -> Signed {
        var headers = request.headers
        headers.append(("host", request.host))
        headers.append(("x-amz-date", date.timestamp))
        if isS3 { headers.append(("x-amz-content-sha256", request.payloadHash)) }
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }

        let encodedPath = isS3 ? URIEncoding.encodePath(request.path) : URIEncoding.encodePath(Self.normalise(request.path))
        let encodedPairs: [(name: String, value: String)] = request.query.map {
            (name: URIEncoding.encode($0.name), value: URIEncoding.encode($0.value))
        }
        let sortedPairs = encodedPairs.sorted { (lhs, rhs) -> Bool in
            lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name
        }
        let encodedQuery = sortedPairs.map { pair -> String in pair.name + "=" + pair.value }.joined(separator: "&")

        // Lower-cased names, repeated names merged in order, then sorted: a handful of headers,
        // so a small array beats a dictionary, and the strings are built in place.
        var canonicalHeaders: [(name: String, value: String)] = []
        canonicalHeaders.reserveCapacity(headers.count)
        for (name, value) in headers {
            let key = name.lowercased()
            let trimmed = Self.trimAndCollapse(value)
            if let index = canonicalHeaders.firstIndex(where: { $0.name == key }) {
                canonicalHeaders[index].value += "," + trimmed
            } else {
                canonicalHeaders.append((key, trimmed))
            }
        }
        canonicalHeaders.sort { $0.name < $1.name }
        var signedHeaders = ""
        for (index, header) in canonicalHeaders.enumerated() {
            if index > 0 { signedHeaders += ";" }
            signedHeaders += header.name
        }
        var canonicalRequest = ""
        canonicalRequest.reserveCapacity(256 + encodedPath.utf8.count + encodedQuery.utf8.count)
        for part in [request.method, "\n", encodedPath, "\n", encodedQuery, "\n"] { canonicalRequest += part }
        for header in canonicalHeaders {
            canonicalRequest += header.name
            canonicalRequest += ":"
            canonicalRequest += header.value
            canonicalRequest += "\n"
        }
        for part in ["\n", signedHeaders, "\n", request.payloadHash] { canonicalRequest += part }

        let scope = "\(date.day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(date.timestamp)\n\(scope)\n" + Digest.hex(Digest.sha256(canonicalRequest))
        let key = precomputedKey ?? signingKey(day: date.day)
        let signature = Digest.hex(Digest.hmacSHA256(key: key, message: Array(stringToSign.utf8)))

        headers.removeAll { $0.name == "host" }
        headers.append(("Authorization",
                        "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return Signed(encodedPath: encodedPath, encodedQuery: encodedQuery, headers: headers,
                      canonicalRequest: canonicalRequest, stringToSign: stringToSign)
    }

    /// The derived key for `day` (`yyyyMMdd`).
    public func signingKey(day: String) -> [UInt8] {
        let dateKey = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Array(day.utf8))
        let regionKey = Digest.hmacSHA256(key: dateKey, message: Array(region.utf8))
        let serviceKey = Digest.hmacSHA256(key: regionKey, message: Array(service.utf8))
        return Digest.hmacSHA256(key: serviceKey, message: Array("aws4_request".utf8))
    }

    /// Removes `.` and `..` segments and repeated slashes (RFC 3986), for services other than S3.
    static func normalise(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    /// Trims a header value and collapses inner runs of spaces and tabs to one space.
    static func trimAndCollapse(_ value: String) -> String {
        // Almost every value needs nothing: check the bytes before building a new string.
        var clean = true
        var previousSpace = true // a leading space counts as a run
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\t") { clean = false; break }
            let space = byte == UInt8(ascii: " ")
            if space && previousSpace { clean = false; break }
            previousSpace = space
        }
        if value.isEmpty || (clean && !previousSpace) { return value }
        var out = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }
}
