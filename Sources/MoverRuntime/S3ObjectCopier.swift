public import AWS
public import MoverCore

/// The handler's object store: S3 `CopyObject` from the source bucket to the destination bucket,
/// or a multipart `UploadPartCopy` for objects above ``multipartThreshold`` (S3's single-copy
/// limit is 5 GiB). Both keep the source's metadata, tags and storage class, and every copy is
/// proven identical to its source before it counts.
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

    /// How copies are written; a storage class here replaces the source's.
    public let options: S3CopyOptions

    public init(client: S3Client, sourceBucket: String, destinationBucket: String,
                multipartThreshold: Int64 = Self.defaultMultipartThreshold, partSize: Int64 = Self.defaultPartSize,
                options: S3CopyOptions = S3CopyOptions()) {
        self.client = client
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
        self.options = options
    }

    /// Copies the source's current version, then proves the copy identical (``CopyProof``).
    ///
    /// An event's `versionId` is never pinned: when it is not the current version any more (a
    /// late or redelivered event), the copy is skipped as superseded; otherwise the current
    /// version is copied under `x-amz-copy-source-if-match` of its ETag, so on S3 a newer upload
    /// that lands in between fails the condition rather than being overwritten by older bytes.
    /// Servers that ignore the condition copy the newest bytes.
    ///
    /// The source is read first (`HeadObject`) unless the hints already give its ETag or listed
    /// ETag, its size and its storage class (a listing does; an event does not name the class).
    /// A copy whose ETag is the source's single-part ETag is proven at once; any other is
    /// compared, source and copy, by size, checksums and ETag where comparable.
    public func copy(sourceKey: String, destinationKey: String, hints: SourceHints) async throws -> CopyOutcome {
        do {
            var ifMatch = hints.eTag
            var source: S3ObjectMetadata?
            let knowsClass = options.storageClass != nil || hints.storageClass != nil
            if hints.versionId != nil || (hints.eTag ?? hints.listedETag) == nil || hints.size == nil || !knowsClass {
                guard let current = try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true) else { return .sourceMissing }
                if let versionId = hints.versionId, current.versionId != versionId.value { return .sourceChanged }
                if let currentTag = current.eTag.flatMap(ETag.init) {
                    if let eTag = hints.eTag, eTag != currentTag { return .sourceChanged }
                    ifMatch = currentTag
                }
                source = current
            }
            let storageClass = options.storageClass
                ?? (source.map { $0.storageClass ?? StorageClass.standard.name } ?? hints.storageClass?.name)
            var writeOptions = options
            writeOptions.storageClass = storageClass == StorageClass.standard.name ? nil : storageClass
            if (source?.contentLength ?? hints.size ?? 0) > multipartThreshold {
                return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, metadata: source,
                                             options: writeOptions)
            }
            let result: S3CopyResult
            do {
                result = try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                                     destinationKey: destinationKey, ifMatch: ifMatch?.quoted, options: writeOptions)
            } catch let error as S3Error where error.code == "InvalidRequest" {
                // S3 refuses a copy over its single-copy limit with InvalidRequest and no code of
                // its own: when the size we went by was wrong or missing, read it and decide by it.
                guard let current = try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true),
                      (current.contentLength ?? 0) > multipartThreshold else { throw error }
                return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, metadata: current,
                                             options: writeOptions)
            }
            // The cheapest proof: the same single-part ETag (an MD5 of the content, or a value
            // SSE-KMS makes unique) as the source had when copied.
            if let copied = ETag(result.eTag), !copied.isMultipart, copied == (ifMatch ?? hints.listedETag) {
                return .copied(CopiedObject(sourceVersion: source?.versionId ?? result.sourceVersionId, sourceETag: copied,
                                            size: source?.contentLength ?? hints.size, destinationETag: copied))
            }
            return try await prove(sourceKey: sourceKey, destinationKey: destinationKey, source: source)
        } catch let error as S3Error where error.code == "NoSuchKey" || error.code == "NoSuchVersion"
            || (error.status == 404 && error.code != "NoSuchBucket" && error.code != "NoSuchUpload") {
            return .sourceMissing
        } catch let error as S3Error where error.status == 412 || error.code == "PreconditionFailed" {
            return .sourceChanged
        }
    }

    /// Reads the copy (and the source, unless already read) and compares them.
    private func prove(sourceKey: String, destinationKey: String, source known: S3ObjectMetadata?) async throws -> CopyOutcome {
        let found: S3ObjectMetadata? = if let known { known } else { try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true) }
        guard let copy = try await client.headObject(bucket: destinationBucket, key: destinationKey, checksums: true) else {
            return .notIdentical("the copy is not in the destination bucket")
        }
        guard let source = found else { return .sourceMissing }  // deleted since: the copy is of what was there
        switch CopyProof.compare(source: Self.fingerprint(source), copy: Self.fingerprint(copy)) {
        case .identical:
            return .copied(CopiedObject(sourceVersion: source.versionId, sourceETag: source.eTag.flatMap(ETag.init),
                                        size: source.contentLength, destinationETag: copy.eTag.flatMap(ETag.init)))
        case .different(let reason): return .notIdentical(reason)
        }
    }

    /// What identifies an object's content, from its `HeadObject`.
    ///
    /// A checksum counts only when it is of the whole content: an object uploaded in parts has
    /// one only when S3 says `FULL_OBJECT` (its default is a checksum of the parts' checksums,
    /// which depends on the part size; some servers do not mark it as such).
    static func fingerprint(_ metadata: S3ObjectMetadata) -> ObjectFingerprint {
        let eTag = metadata.eTag.flatMap(ETag.init)
        let fullObject = eTag?.isMultipart == true ? metadata.checksumType == "FULL_OBJECT" : metadata.checksumType != "COMPOSITE"
        return ObjectFingerprint(
            size: metadata.contentLength, eTag: eTag,
            checksums: fullObject ? metadata.checksums.filter { !$0.value.contains("-") } : [:],
            eTagIsOpaque: metadata.customerEncrypted || metadata.serverSideEncryption?.hasPrefix("aws:kms") == true)
    }

    /// A multipart copy of the current version: its parts are all read from the version the
    /// HEAD found, so they form one consistent object. It keeps the source's metadata and tags.
    private func copyInParts(sourceKey: String, destinationKey: String, ifMatch: ETag?, metadata known: S3ObjectMetadata?,
                             options: S3CopyOptions) async throws -> CopyOutcome {
        let found: S3ObjectMetadata? = if let known { known } else { try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true) }
        guard let metadata = found else { return .sourceMissing }
        let current = metadata.eTag.flatMap(ETag.init)
        if let ifMatch, let current, current != ifMatch { return .sourceChanged }
        let condition = (ifMatch ?? current)?.quoted
        if metadata.contentLength <= multipartThreshold {
            // Smaller than the caller thought: one CopyObject does it.
            let result = try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                                     destinationKey: destinationKey, ifMatch: condition, options: options)
            if let copied = ETag(result.eTag), !copied.isMultipart, copied == current {
                return .copied(CopiedObject(sourceVersion: metadata.versionId, sourceETag: copied, size: metadata.contentLength,
                                            destinationETag: copied))
            }
            return try await prove(sourceKey: sourceKey, destinationKey: destinationKey, source: metadata)
        }
        let tagging = metadata.tagCount > 0 ? try await client.objectTagging(bucket: sourceBucket, key: sourceKey) : nil
        try await client.multipartCopy(
            sourceBucket: sourceBucket, sourceKey: sourceKey, sourceVersionId: metadata.versionId.flatMap(VersionID.init)?.value,
            destinationBucket: destinationBucket, destinationKey: destinationKey, metadata: metadata, tagging: tagging,
            options: options, partSize: partSize, ifMatch: condition)
        return try await prove(sourceKey: sourceKey, destinationKey: destinationKey, source: metadata)
    }

    public func destinationExists(_ key: String) async throws -> Bool {
        try await client.headObject(bucket: destinationBucket, key: key) != nil
    }
}
