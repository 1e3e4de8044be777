public import CurlHTTP

/// A client for the S3 operations s3-mover needs, signed with SigV4.
///
/// Addressing follows the SDKs: path-style (`endpoint/bucket/key`) when a custom endpoint is
/// configured, virtual-hosted-style (`bucket.s3.region.amazonaws.com/key`) on AWS, falling back
/// to path-style for bucket names that are not DNS-safe. Every method makes one attempt and
/// throws ``S3Error`` for an error answer and `HTTPClientError` for a transport failure.
public struct S3Client: Sendable {
    /// How to reach S3.
    public struct Configuration: Sendable {
        public var endpoint: Endpoint
        public var region: String
        /// True: path-style; false: virtual-hosted-style where the bucket name allows.
        public var usePathStyle: Bool
        /// Total timeout for ordinary requests.
        public var requestTimeout: Duration
        /// Total timeout for `CopyObject` and transfers of object bodies.
        public var transferTimeout: Duration
        /// Expected owners and requester-pays, by bucket name.
        public var bucketAccess: [String: S3BucketAccess] = [:]
        /// Each bucket's region: requests to a bucket are signed for, and on AWS sent to, its own
        /// region. Unknown buckets are looked up with `HeadBucket` on first use.
        public var bucketRegions = S3BucketRegions()
        /// True when `endpoint` is a custom one (then it serves every region).
        public var isCustomEndpoint = false

        public init(endpoint: Endpoint, region: String, usePathStyle: Bool,
                    requestTimeout: Duration = .seconds(30), transferTimeout: Duration = .seconds(300)) {
            self.endpoint = endpoint
            self.region = region
            self.usePathStyle = usePathStyle
            self.requestTimeout = requestTimeout
            self.transferTimeout = transferTimeout
        }

        /// Resolves from the SDK environment: `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` (then path-style) or AWS.
        public init(environment: AWSEnvironment) throws {
            let custom = try environment.customEndpoint(for: "S3")
            self.init(endpoint: try custom ?? environment.endpoint(for: "s3"), region: environment.region,
                      usePathStyle: custom != nil)
            isCustomEndpoint = custom != nil
        }
    }

    public let configuration: Configuration
    let sender: AWSRequestSender

    /// Creates a client that sends through `http`.
    public init(configuration: Configuration, credentials: any CredentialProvider, http: HTTPClient) {
        self.configuration = configuration
        self.sender = AWSRequestSender(service: "s3", region: configuration.region, credentials: credentials, http: http)
    }

    /// The endpoint and raw path for a bucket (and key) in `region`.
    func location(bucket: String, key: String? = nil, region: String? = nil) -> (endpoint: Endpoint, path: String) {
        let keyPath = key.map { "/" + $0 } ?? "/"
        var endpoint = configuration.endpoint
        if let region, region != configuration.region, !configuration.isCustomEndpoint,
           let regional = try? Endpoint(parsing: "https://s3.\(region).amazonaws.com", setting: "AWS_REGION") {
            endpoint = regional
        }
        if configuration.usePathStyle || !Self.isVirtualHostable(bucket) {
            return (endpoint, "/" + bucket + (key.map { "/" + $0 } ?? ""))
        }
        return (endpoint.prefixingHost(with: bucket), keyPath)
    }

    /// The region of `bucket`: configured, learnt before, or asked of S3 now (`HeadBucket`,
    /// whose `x-amz-bucket-region` comes with a 200, a 301 or a 403 alike). A server that does
    /// not say is taken to serve the configured region.
    func region(of bucket: String) async -> String {
        if let known = configuration.bucketRegions.region(of: bucket) { return known }
        let (endpoint, path) = location(bucket: bucket)
        guard let response = try? await sender.send(method: "HEAD", endpoint: endpoint, path: path, headers: [],
                                                    timeout: configuration.requestTimeout) else {
            return configuration.region  // unreachable now: the request itself will say so
        }
        let region = response.header("x-amz-bucket-region").flatMap { S3BucketRegions.isRegionName($0) ? $0 : nil }
            ?? configuration.region
        configuration.bucketRegions.set(region, for: bucket)
        return region
    }

    static func isVirtualHostable(_ bucket: String) -> Bool {
        guard (3...63).contains(bucket.utf8.count), !bucket.contains(".") else { return false }
        return bucket.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    func send(
        _ operation: String, method: String, bucket: String, key: String? = nil,
        query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], timeout: Duration? = nil, accept: (Int) -> Bool = { (200..<300).contains($0) }
    ) async throws -> HTTPResponse {
        let region = await region(of: bucket)
        let (endpoint, path) = location(bucket: bucket, key: key, region: region)
        let response = try await sender.send(
            method: method, endpoint: endpoint, path: path, query: query,
            headers: headers + (configuration.bucketAccess[bucket]?.headers ?? []), body: body,
            timeout: timeout ?? configuration.requestTimeout, region: region)
        if response.status == 301 {
            throw S3Error.wrongRegion(response, operation: operation, bucket: bucket, signedFor: region)
        }
        guard accept(response.status) else {
            throw S3Error(response: response, operation: operation, resource: key.map { "s3://\(bucket)/\($0)" } ?? "s3://\(bucket)")
        }
        return response
    }
}
