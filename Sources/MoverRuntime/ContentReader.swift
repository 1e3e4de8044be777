public import AWS
public import MoverCore

/// Reads objects start to end in ranged `GetObject`s and hashes them (SHA-256), in bounded
/// memory whatever their size: one ``chunkSize`` piece at a time. The proof of last resort,
/// when nothing but the size compares (a multipart or SSE-KMS object without a checksum).
public struct ContentReader: Sendable {
    public let client: S3Client
    /// Bytes per ranged read.
    public let chunkSize: Int64

    public init(client: S3Client, chunkSize: Int64 = 4 * 1024 * 1024) {
        self.client = client
        self.chunkSize = max(1, chunkSize)
    }

    /// The length and SHA-256 of `bucket/key`'s bytes, `size` of them (as `HeadObject` found).
    /// An object that changes size while it is read fails the read (its digest would be of neither).
    public func digests(bucket: String, key: String, size: Int64) async throws -> ContentDigests {
        let hash = DigestStream(.sha256)
        var offset: Int64 = 0
        while offset < size {
            let last = min(offset + chunkSize, size) - 1
            let (bytes, total) = try await client.getObject(bucket: bucket, key: key, range: offset...last)
            guard total == nil || total == size, !bytes.isEmpty, Int64(bytes.count) <= last - offset + 1 else {
                throw S3Error(code: "InvalidResponse", status: 206, message: "s3://\(bucket)/\(key) changed while it was read",
                              operation: "GetObject", resource: "s3://\(bucket)/\(key)")
            }
            hash.update(bytes)
            offset += Int64(bytes.count)
        }
        return ContentDigests(size: offset, sha256: hash.finish())
    }

    /// Reads both objects and compares their bytes.
    public func compare(sourceBucket: String, sourceKey: String, sourceSize: Int64,
                        copyBucket: String, copyKey: String, copySize: Int64) async throws -> CopyProof {
        guard sourceSize == copySize else { return .different("size \(copySize) is not the source's \(sourceSize)") }
        let source = try await digests(bucket: sourceBucket, key: sourceKey, size: sourceSize)
        let copy = try await digests(bucket: copyBucket, key: copyKey, size: copySize)
        return CopyProof.compare(source: source, copy: copy)
    }
}

extension ContentReader {
    /// ``DestinationRule``'s decision for an existing destination, reading both objects when
    /// nothing but their sizes compares: the result is never ``DestinationRule/Decision/readBoth``.
    public func decide(sourceBucket: String, sourceKey: String, _ source: S3ObjectMetadata,
                       destinationBucket: String, destinationKey: String, _ destination: S3ObjectMetadata) async throws -> DestinationRule.Decision {
        let sourcePrint = S3ObjectCopier.fingerprint(source), destinationPrint = S3ObjectCopier.fingerprint(destination)
        let decision = DestinationRule.decide(source: sourcePrint, sourceModified: source.lastModified, destination: destinationPrint,
                                              destinationModified: destination.lastModified)
        guard decision == .readBoth else { return decision }
        let proof = try await compare(sourceBucket: sourceBucket, sourceKey: sourceKey, sourceSize: source.contentLength,
                                      copyBucket: destinationBucket, copyKey: destinationKey, copySize: destination.contentLength)
        return DestinationRule.decide(source: sourcePrint, sourceModified: source.lastModified, destination: destinationPrint,
                                      destinationModified: destination.lastModified, contentProof: proof)
    }
}
