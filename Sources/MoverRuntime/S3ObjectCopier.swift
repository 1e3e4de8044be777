public import AWS
public import MoverCore

/// The handler's object store: S3 `CopyObject` from the source bucket to the destination bucket,
/// or a multipart `UploadPartCopy` for objects above ``multipartThreshold`` (S3's single-copy
/// limit is 5 GiB).
public struct S3ObjectCopier: ObjectCopier {
    public let client: S3Client
    public let sourceBucket: String
    public let destinationBucket: String
    /// Objects larger than this are copied in parts.
    public let multipartThreshold: Int64
    /// The size of each part.
    public let partSize: Int64

    /// S3's largest single `CopyObject`.
    public static let defaultMultipartThreshold: Int64 = 5 * 1024 * 1024 * 1024
    /// 512 MiB parts: a 5 TiB object still fits in 10,000 parts.
    public static let defaultPartSize: Int64 = 512 * 1024 * 1024

    public init(client: S3Client, sourceBucket: String, destinationBucket: String,
                multipartThreshold: Int64 = Self.defaultMultipartThreshold, partSize: Int64 = Self.defaultPartSize) {
        self.client = client
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
    }

    public func copy(sourceKey: String, destinationKey: String, ifMatch: String?, versionId: String?, size: Int64?) async throws -> CopyOutcome {
        do {
            if let size, size > multipartThreshold {
                return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, versionId: versionId)
            }
            do {
                try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                            destinationKey: destinationKey, ifMatch: ifMatch, sourceVersionId: versionId)
            } catch let error as S3Error where error.code == "InvalidRequest" && error.message.lowercased().contains("larger") {
                // The size was unknown and the object is over the single-copy limit.
                return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, versionId: versionId)
            }
            return .copied
        } catch let error as S3Error where error.code == "NoSuchKey" || error.code == "NoSuchVersion"
            || (error.status == 404 && error.code != "NoSuchBucket" && error.code != "NoSuchUpload") {
            return .sourceMissing
        } catch let error as S3Error where error.status == 412 || error.code == "PreconditionFailed" {
            return .sourceChanged
        }
    }

    private func copyInParts(sourceKey: String, destinationKey: String, ifMatch: String?, versionId: String?) async throws -> CopyOutcome {
        guard let metadata = try await client.headObject(bucket: sourceBucket, key: sourceKey) else { return .sourceMissing }
        if let ifMatch, let current = metadata.eTag, current != ifMatch { return .sourceChanged }
        if metadata.contentLength <= multipartThreshold {
            // Smaller than the caller thought: one CopyObject does it.
            try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                        destinationKey: destinationKey, ifMatch: ifMatch, sourceVersionId: versionId)
            return .copied
        }
        try await client.multipartCopy(
            sourceBucket: sourceBucket, sourceKey: sourceKey, sourceVersionId: versionId, destinationBucket: destinationBucket,
            destinationKey: destinationKey, metadata: metadata, partSize: partSize, ifMatch: ifMatch)
        return .copied
    }

    public func destinationExists(_ key: String) async throws -> Bool {
        try await client.headObject(bucket: destinationBucket, key: key) != nil
    }
}
