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

    /// Copies the source's current version. An event's `versionId` is never pinned: when it is
    /// not the current version any more (a late or redelivered event), the copy is skipped as
    /// superseded; otherwise the current version is copied under `x-amz-copy-source-if-match`
    /// of its ETag, so on S3 a newer upload that lands in between fails the condition rather than
    /// being overwritten by older bytes. Servers that ignore the condition copy the newest bytes.
    public func copy(sourceKey: String, destinationKey: String, eTag: ETag?, versionId: VersionID?, size: Int64?) async throws -> CopyOutcome {
        do {
            var ifMatch = eTag
            var metadata: S3ObjectMetadata?
            if let versionId {
                guard let current = try await client.headObject(bucket: sourceBucket, key: sourceKey) else { return .sourceMissing }
                guard current.versionId == versionId.value else { return .sourceChanged }
                if let currentTag = current.eTag.flatMap(ETag.init) {
                    if let eTag, eTag != currentTag { return .sourceChanged }
                    ifMatch = currentTag
                }
                metadata = current
            }
            if (metadata?.contentLength ?? size ?? 0) > multipartThreshold {
                return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, metadata: metadata)
            }
            do {
                try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                            destinationKey: destinationKey, ifMatch: ifMatch?.quoted)
            } catch let error as S3Error where error.code == "InvalidRequest" && error.message.lowercased().contains("larger") {
                // The size was unknown and the object is over the single-copy limit.
                return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, metadata: nil)
            }
            return .copied
        } catch let error as S3Error where error.code == "NoSuchKey" || error.code == "NoSuchVersion"
            || (error.status == 404 && error.code != "NoSuchBucket" && error.code != "NoSuchUpload") {
            return .sourceMissing
        } catch let error as S3Error where error.status == 412 || error.code == "PreconditionFailed" {
            return .sourceChanged
        }
    }

    /// A multipart copy of the current version: its parts are all read from the version the
    /// HEAD found, so they form one consistent object.
    private func copyInParts(sourceKey: String, destinationKey: String, ifMatch: ETag?, metadata known: S3ObjectMetadata?) async throws -> CopyOutcome {
        let found: S3ObjectMetadata? = if let known { known } else { try await client.headObject(bucket: sourceBucket, key: sourceKey) }
        guard let metadata = found else { return .sourceMissing }
        let current = metadata.eTag.flatMap(ETag.init)
        if let ifMatch, let current, current != ifMatch { return .sourceChanged }
        let condition = (ifMatch ?? current)?.quoted
        if metadata.contentLength <= multipartThreshold {
            // Smaller than the caller thought: one CopyObject does it.
            try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                        destinationKey: destinationKey, ifMatch: condition)
            return .copied
        }
        try await client.multipartCopy(
            sourceBucket: sourceBucket, sourceKey: sourceKey, sourceVersionId: metadata.versionId.flatMap(VersionID.init)?.value,
            destinationBucket: destinationBucket, destinationKey: destinationKey, metadata: metadata, partSize: partSize, ifMatch: condition)
        return .copied
    }

    public func destinationExists(_ key: String) async throws -> Bool {
        try await client.headObject(bucket: destinationBucket, key: key) != nil
    }
}
