import CurlHTTP

/// One object in a listing.
public struct S3ObjectSummary: Sendable, Hashable {
    /// The decoded key.
    public var key: String
    public var size: Int64
    /// The ETag, quotes included, as S3 returns it.
    public var eTag: String?
    /// `StorageClass`, as S3 returns it (unvalidated).
    public var storageClass: String?

    public init(key: String, size: Int64, eTag: String? = nil, storageClass: String? = nil) {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.storageClass = storageClass
    }
}

/// One page of `ListObjectsV2`.
public struct S3ListPage: Sendable {
    public var objects: [S3ObjectSummary]
    /// Present when there are more pages.
    public var nextContinuationToken: String?
}

extension S3Client {
    /// One page of `ListObjectsV2` (`encoding-type=url`, keys decoded).
    public func listObjectsPage(
        bucket: String, prefix: String? = nil, continuationToken: String? = nil,
        startAfter: String? = nil, maxKeys: Int = 1000
    ) async throws -> S3ListPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("encoding-type", "url"), ("max-keys", String(maxKeys))]
        if let prefix, !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let startAfter, !startAfter.isEmpty { query.append(("start-after", startAfter)) }
        let response = try await send("ListObjectsV2", method: "GET", bucket: bucket, query: query)
        let page = try ListBucketResultReader.read(response.body)
        guard page.rootName == "ListBucketResult" else {
            throw S3Error(code: "InvalidResponse", status: response.status, message: "expected ListBucketResult, got \(page.rootName)",
                          operation: "ListObjectsV2", resource: "s3://\(bucket)")
        }
        let encoded = page.encodingType == "url"
        var objects: [S3ObjectSummary] = []
        objects.reserveCapacity(page.entries.count)
        for entry in page.entries {
            guard let rawKey = entry.key else { continue }
            guard let key = encoded ? URIEncoding.decode(rawKey, plusAsSpace: true) : rawKey else {
                throw S3Error(code: "InvalidResponse", status: response.status, message: "undecodable key '\(rawKey)'",
                              operation: "ListObjectsV2", resource: "s3://\(bucket)")
            }
            objects.append(S3ObjectSummary(key: key, size: Int64(entry.size ?? "") ?? 0, eTag: entry.eTag, storageClass: entry.storageClass))
        }
        let truncated = page.isTruncated == "true"
        let token = truncated ? page.nextContinuationToken : nil
        if truncated && token == nil {
            throw S3Error(code: "InvalidResponse", status: response.status, message: "truncated listing without NextContinuationToken",
                          operation: "ListObjectsV2", resource: "s3://\(bucket)")
        }
        return S3ListPage(objects: objects, nextContinuationToken: token)
    }

    /// Every object under `prefix`, page by page, as an async sequence. Holds one page at a time.
    public func listObjects(bucket: String, prefix: String? = nil, startAfter: String? = nil, pageSize: Int = 1000) -> S3ObjectListing {
        S3ObjectListing(client: self, bucket: bucket, prefix: prefix, startAfter: startAfter, pageSize: pageSize)
    }
}

/// The pages of a listing, fetched on demand.
public struct S3ObjectListing: AsyncSequence, Sendable {
    public typealias Element = S3ListPage
    let client: S3Client
    let bucket: String
    let prefix: String?
    let startAfter: String?
    let pageSize: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let listing: S3ObjectListing
        var token: String?
        var finished = false
        var first = true

        public mutating func next() async throws -> S3ListPage? {
            guard !finished else { return nil }
            let page = try await listing.client.listObjectsPage(
                bucket: listing.bucket, prefix: listing.prefix, continuationToken: token,
                startAfter: first ? listing.startAfter : nil, maxKeys: listing.pageSize)
            first = false
            token = page.nextContinuationToken
            finished = token == nil
            return page
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(listing: self) }
}
