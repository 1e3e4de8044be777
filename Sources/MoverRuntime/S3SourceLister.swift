public import AWS
public import MoverCore

/// The backfill's source: `ListObjectsV2` under the source prefix, or one range of it
/// (``KeySpaceSplitter``) for parallel listing.
public struct S3SourceLister: SourceLister {
    public let client: S3Client
    public let bucket: String
    public let prefix: String
    /// This range's start (keys after it) and end (keys before it); nil: the listing's own.
    public let range: KeySpaceSplitter.Range?

    public init(client: S3Client, bucket: String, prefix: String, range: KeySpaceSplitter.Range? = nil) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.range = range
    }

    public var lowerBound: String? { range?.startAfter }

    public func page(token: String?, startAfter: String?) async throws -> SourcePage {
        let page = try await client.listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token,
                                                    startAfter: token == nil ? (range?.startAfter ?? startAfter) : nil)
        var objects: [SourceObject] = []
        objects.reserveCapacity(page.objects.count)
        for object in page.objects {
            // Past this range's end: the next range lists the rest.
            if let end = range?.end, !object.key.utf8.lexicographicallyPrecedes(end.utf8) {
                return SourcePage(objects: objects, nextToken: nil)
            }
            objects.append(SourceObject(key: object.key, eTag: object.eTag.flatMap(ETag.init), size: object.size,
                                        storageClass: object.storageClass.flatMap(StorageClass.init)))
        }
        return SourcePage(objects: objects, nextToken: page.nextContinuationToken)
    }

    /// Up to `parts` listers over disjoint ranges of the keys under `prefix` after `startAfter`
    /// (fewer when the keys do not split so far), found with one-key listings.
    public static func ranges(client: S3Client, bucket: String, prefix: String, startAfter: String?,
                              parts: Int) async throws -> [S3SourceLister] {
        // A listing of one page has nothing to gain: no probes for it.
        guard parts > 1, try await client.listObjectsPage(bucket: bucket, prefix: prefix, startAfter: startAfter).nextContinuationToken != nil
        else { return [S3SourceLister(client: client, bucket: bucket, prefix: prefix)] }
        let ranges = try await KeySpaceSplitter.ranges(prefix: prefix, startAfter: startAfter, parts: parts) { after in
            try await client.listObjectsPage(bucket: bucket, prefix: prefix, startAfter: after, maxKeys: 1).objects.first?.key
        }
        return ranges.map { S3SourceLister(client: client, bucket: bucket, prefix: prefix, range: parts > 1 ? $0 : nil) }
    }
}
