public import AWS
public import MoverCore

/// The migration's two buckets as the finishing modes read one object's pair (`verify --deep`,
/// `rollback`, `finalize`): both heads, both contents, each read through the retry policy, in
/// one place.
public struct BucketPair: Sendable {
    public let s3: S3Client
    public let source: String
    public let destination: String
    /// Every read of the pair goes through it.
    public let retry: RetryPolicy

    public init(s3: S3Client, source: String, destination: String, retry: RetryPolicy) {
        self.s3 = s3
        self.source = source
        self.destination = destination
        self.retry = retry
    }

    /// Both objects' metadata with their checksums; nil for one that does not exist.
    public func heads(sourceKey: String, destinationKey: String) async throws
        -> (source: S3ObjectMetadata?, destination: S3ObjectMetadata?) {
        try await retry.run { [s3, source, destination] in
            (try await s3.headObject(bucket: source, key: sourceKey, checksums: true),
             try await s3.headObject(bucket: destination, key: destinationKey, checksums: true))
        }
    }

    /// Both objects read and hashed (``ContentReader``): identical or different by their bytes.
    public func compareContent(sourceKey: String, sourceSize: Int64, destinationKey: String, destinationSize: Int64) async throws -> CopyProof {
        try await retry.run { [s3, source, destination] in
            try await ContentReader(client: s3).compare(sourceBucket: source, sourceKey: sourceKey, sourceSize: sourceSize,
                                                        copyBucket: destination, copyKey: destinationKey, copySize: destinationSize)
        }
    }

    /// ``DestinationRule``'s decision for an existing destination, reading both objects when
    /// nothing but their sizes compares (``ContentReader/decide(sourceBucket:sourceKey:_:destinationBucket:destinationKey:_:)``).
    public func decide(sourceKey: String, _ sourceHead: S3ObjectMetadata,
                       destinationKey: String, _ destinationHead: S3ObjectMetadata) async throws -> DestinationRule.Decision {
        try await retry.run { [s3, source, destination] in
            try await ContentReader(client: s3).decide(sourceBucket: source, sourceKey: sourceKey, sourceHead,
                                                       destinationBucket: destination, destinationKey: destinationKey, destinationHead)
        }
    }
}
