public import AWS
public import MoverCore

/// The backfill's source: `ListObjectsV2` under the source prefix. Parallel listing cuts it into
/// ranges (``KeyRanges``), each a start-after, found with one-key listings.
public struct S3SourceLister: SplittableSourceLister {
    public let client: S3Client
    public let bucket: String
    public let prefix: String

    public init(client: S3Client, bucket: String, prefix: String) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
    }

    public func page(token: String?, startAfter: String?) async throws -> SourcePage {
        let page = try await client.listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token,
                                                    startAfter: token == nil ? startAfter : nil)
        let objects = page.objects.map {
            SourceObject(key: $0.key, eTag: $0.eTag.flatMap(ETag.init), size: $0.size, storageClass: $0.storageClass.flatMap(StorageClass.init))
        }
        return SourcePage(objects: objects, nextToken: page.nextContinuationToken)
    }

    public func firstKey(after key: String) async throws -> String? {
        try await client.listObjectsPage(bucket: bucket, prefix: prefix, startAfter: key, maxKeys: 1).objects.first?.key
    }
}
