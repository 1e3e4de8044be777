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
    /// Reads both objects when nothing but their sizes compares.
    let reader: ContentReader
    /// Whether the server takes conditional copies (`If-None-Match`, `If-Match`).
    let guards: WriteGuards

    public init(client: S3Client, sourceBucket: String, destinationBucket: String,
                multipartThreshold: Int64 = Self.defaultMultipartThreshold, partSize: Int64 = Self.defaultPartSize,
                options: S3CopyOptions = S3CopyOptions(), guards: WriteGuards = WriteGuards(logger: nil)) {
        self.client = client
        self.reader = ContentReader(client: client)
        self.guards = guards
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
        self.options = options
    }

    /// Copies the source's current version, then proves the copy identical (``CopyProof``),
    /// unless the destination already holds an object that ``DestinationRule`` says to keep.
    ///
    /// An event's `versionId` is never pinned: when it is not the current version any more (a
    /// late or redelivered event), the copy is skipped as superseded; otherwise the current
    /// version is copied under `x-amz-copy-source-if-match` of its ETag, so on S3 a newer upload
    /// that lands in between fails the condition rather than being overwritten by older bytes.
    /// Servers that ignore the condition copy the newest bytes.
    ///
    /// The destination is inspected (`HeadObject`) before it is written, unless a listing just
    /// showed it absent (``SourceHints/destinationAbsent``, first inspection only). Absent, it is written
    /// under `If-None-Match: *`; provably older than the source, under `If-Match` of the ETag
    /// inspected; identical, not written at all; anything else is a ``CopyOutcome/conflict(_:)``.
    /// Where the server honours the guard (Amazon S3), a write that would land on something
    /// other than what was inspected fails with 412, and the object is inspected and decided
    /// again; a server that refuses the guard (501) gets unguarded writes for the rest of the run.
    ///
    /// The source is read first (`HeadObject`) unless the hints already give its ETag or listed
    /// ETag, its size and its storage class (a listing does; an event does not name the class),
    /// and the destination is absent. A copy whose ETag is the source's single-part ETag is
    /// proven at once; any other is compared, source and copy, by checksums and ETag where
    /// comparable, and by reading both when nothing but the size compares.
    public func copy(sourceKey: String, destinationKey: String, hints: SourceHints) async throws -> CopyOutcome {
        var inspection = 1
        while true {
            do {
                return try await inspectAndCopy(sourceKey: sourceKey, destinationKey: destinationKey, hints: hints, again: inspection > 1)
            } catch is DestinationChanged where inspection < Self.inspections {
                inspection += 1
            } catch is DestinationChanged {
                return .conflict("the destination kept changing while it was written (\(Self.inspections) inspections)")
            }
        }
    }

    /// The requests that carry the destination's condition.
    static let guardedOperations: Set<String> = ["CopyObject", "CompleteMultipartUpload"]

    /// A guarded write's answer when the object at the key is not the one inspected: 412, or
    /// 409 ConditionalRequestConflict when another write to the key was in progress.
    static func isConditionFailure(_ error: S3Error) -> Bool {
        error.status == 412 || error.code == "PreconditionFailed" || error.code == "ConditionalRequestConflict"
    }

    /// How often one copy inspects its destination anew after a guarded write found it changed.
    static let inspections = 3

    /// A guarded write found the destination other than inspected (412).
    private struct DestinationChanged: Error {}

    private func inspectAndCopy(sourceKey: String, destinationKey: String, hints: SourceHints, again: Bool) async throws -> CopyOutcome {
        do {
            var ifMatch = hints.eTag
            var source: S3ObjectMetadata?
            let knowsClass = options.storageClass != nil || hints.storageClass != nil
            func inspectSource() async throws -> CopyOutcome? {
                guard let current = try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true) else { return .sourceMissing }
                if let versionId = hints.versionId, current.versionId != versionId.value { return .sourceChanged }
                if let currentTag = current.eTag.flatMap(ETag.init) {
                    if let eTag = hints.eTag, eTag != currentTag { return .sourceChanged }
                    ifMatch = currentTag
                }
                source = current
                return nil
            }
            if again || hints.versionId != nil || (hints.eTag ?? hints.listedETag) == nil || hints.size == nil || !knowsClass {
                if let early = try await inspectSource() { return early }
            }
            // After the switch the destination belongs to the application: look before writing.
            var condition: S3WriteCondition? = .absent
            let listedAbsent = hints.destinationAbsent && !again
            if !listedAbsent, let destination = try await client.headObject(bucket: destinationBucket, key: destinationKey, checksums: true) {
                if source == nil, let early = try await inspectSource() { return early }
                guard let current = source else { return .sourceMissing }
                switch try await reader.decide(sourceBucket: sourceBucket, sourceKey: sourceKey, current,
                                               destinationBucket: destinationBucket, destinationKey: destinationKey, destination) {
                case .keep:
                    return .copied(CopiedObject(sourceVersion: current.versionId, sourceETag: current.eTag.flatMap(ETag.init),
                                                size: current.contentLength, destinationETag: destination.eTag.flatMap(ETag.init)))
                case .conflict(let reason):
                    return .conflict(reason)
                case .readBoth:
                    return .conflict("not provably identical")  // decide reads both: not reached
                case .write(.absent): condition = .absent
                case .write(.replacing(let eTag)): condition = eTag.map { .matching($0.quoted) }
                }
            }
            if guards.refused { condition = nil }
            let storageClass = options.storageClass
                ?? (source.map { $0.storageClass ?? StorageClass.standard.name } ?? hints.storageClass?.name)
            var writeOptions = options
            writeOptions.storageClass = storageClass == StorageClass.standard.name ? nil : storageClass
            let result: S3CopyResult
            do {
                if (source?.contentLength ?? hints.size ?? 0) > multipartThreshold {
                    return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, metadata: source,
                                                 options: writeOptions, condition: condition)
                }
                do {
                    result = try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                                         destinationKey: destinationKey, ifMatch: ifMatch?.quoted, options: writeOptions,
                                                         destinationCondition: condition)
                } catch let error as S3Error where error.code == "InvalidRequest" {
                    // S3 refuses a copy over its single-copy limit with InvalidRequest and no code of
                    // its own: when the size we went by was wrong or missing, read it and decide by it.
                    guard let current = try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true),
                          current.contentLength > multipartThreshold else { throw error }
                    return try await copyInParts(sourceKey: sourceKey, destinationKey: destinationKey, ifMatch: ifMatch, metadata: current,
                                                 options: writeOptions, condition: condition)
                }
            } catch let error as S3Error where condition != nil && Self.guardedOperations.contains(error.operation)
                && (error.status == 501 || error.code == "NotImplemented") {
                // The server does not take conditional writes: the decision rests on the inspection alone.
                guards.refuse(error)
                throw DestinationChanged()
            } catch let error as S3Error where condition != nil && Self.isConditionFailure(error) {
                // The destination, or the source, is not as inspected: look again and decide again.
                throw DestinationChanged()
            }
            // The cheapest proof: the same single-part ETag (an MD5 of the content) as the source
            // had when copied.
            if let copied = ETag(result.eTag), !copied.isMultipart, result.serverSideEncryption?.hasPrefix("aws:kms") != true,
               copied == (ifMatch ?? hints.listedETag) {
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
        var proof = CopyProof.compare(source: Self.fingerprint(source), copy: Self.fingerprint(copy))
        if case .unproven = proof {
            proof = try await reader.compare(sourceBucket: sourceBucket, sourceKey: sourceKey, sourceSize: source.contentLength,
                                             copyBucket: destinationBucket, copyKey: destinationKey, copySize: copy.contentLength)
        }
        switch proof {
        case .identical:
            return .copied(CopiedObject(sourceVersion: source.versionId, sourceETag: source.eTag.flatMap(ETag.init),
                                        size: source.contentLength, destinationETag: copy.eTag.flatMap(ETag.init)))
        case .different(let reason), .unproven(let reason): return .notIdentical(reason)
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
    /// The object is completed under `condition` (the destination as inspected), like a `CopyObject`.
    private func copyInParts(sourceKey: String, destinationKey: String, ifMatch: ETag?, metadata known: S3ObjectMetadata?,
                             options: S3CopyOptions, condition destinationCondition: S3WriteCondition?) async throws -> CopyOutcome {
        let found: S3ObjectMetadata? = if let known { known } else { try await client.headObject(bucket: sourceBucket, key: sourceKey, checksums: true) }
        guard let metadata = found else { return .sourceMissing }
        let current = metadata.eTag.flatMap(ETag.init)
        if let ifMatch, let current, current != ifMatch { return .sourceChanged }
        let condition = (ifMatch ?? current)?.quoted
        if metadata.contentLength <= multipartThreshold {
            // Smaller than the caller thought: one CopyObject does it.
            let result = try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                                     destinationKey: destinationKey, ifMatch: condition, options: options,
                                                     destinationCondition: destinationCondition)
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
            options: options, partSize: partSize, ifMatch: condition, destinationCondition: destinationCondition)
        return try await prove(sourceKey: sourceKey, destinationKey: destinationKey, source: metadata)
    }

    public func destinationExists(_ key: String) async throws -> Bool {
        try await client.headObject(bucket: destinationBucket, key: key) != nil
    }
}
