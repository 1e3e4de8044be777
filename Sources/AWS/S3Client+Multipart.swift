import CurlHTTP

/// One additional checksum: its upper-case algorithm (`CRC32C`, `SHA256`, ...) and base64 value.
public struct S3Checksum: Sendable, Hashable {
    public var algorithm: String
    public var value: String
    public init(algorithm: String, value: String) {
        self.algorithm = algorithm
        self.value = value
    }
}

/// One finished part of a multipart upload.
public struct S3CompletedPart: Sendable, Hashable {
    public var partNumber: Int
    public var eTag: String
    /// The part's checksum, when the upload has an algorithm.
    public var checksum: S3Checksum?

    public init(partNumber: Int, eTag: String, checksum: S3Checksum? = nil) {
        self.partNumber = partNumber
        self.eTag = eTag
        self.checksum = checksum
    }
}

extension S3Client {
    /// `CreateMultipartUpload` carrying `metadata`'s system and user metadata, `tagging`
    /// (`k=v&…`), the checksum algorithm and `options`; returns the upload id.
    public func createMultipartUpload(bucket: String, key: String, metadata: S3ObjectMetadata, tagging: String? = nil,
                                      checksumAlgorithm: String? = nil, options: S3CopyOptions = S3CopyOptions()) async throws -> String {
        var headers = metadata.uploadHeaders + options.headers
        if let tagging, !tagging.isEmpty { headers.append(("x-amz-tagging", tagging)) }
        if let checksumAlgorithm { headers.append(("x-amz-checksum-algorithm", checksumAlgorithm)) }
        let response = try await send("CreateMultipartUpload", method: "POST", bucket: bucket, key: key,
                                      query: [("uploads", "")], headers: headers)
        let resource = "s3://\(bucket)/\(key)"
        let root = try resultDocument(response, operation: "CreateMultipartUpload", expected: "InitiateMultipartUploadResult", resource: resource)
        guard let uploadId = root.text(of: "UploadId"), !uploadId.isEmpty else {
            throw S3Error(code: S3Error.invalidResponseCode, status: response.status, message: "CreateMultipartUpload answer without UploadId",
                          operation: "CreateMultipartUpload", resource: "s3://\(bucket)/\(key)")
        }
        return uploadId
    }

    /// `UploadPartCopy` of bytes `range` of the source; returns the part (its ETag, and its
    /// checksum when the upload has an algorithm).
    public func uploadPartCopy(
        bucket: String, key: String, uploadId: String, partNumber: Int,
        sourceBucket: String, sourceKey: String, sourceVersionId: String? = nil, range: ClosedRange<Int64>, ifMatch: String? = nil
    ) async throws -> S3CompletedPart {
        let headers = copySourceHeaders(bucket: sourceBucket, key: sourceKey, versionId: sourceVersionId, ifMatch: ifMatch,
                                        destinationBucket: bucket)
            + [("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound)")]
        let response = try await send("UploadPartCopy", method: "PUT", bucket: bucket, key: key,
                                      query: [("partNumber", String(partNumber)), ("uploadId", uploadId)], headers: headers,
                                      timeout: configuration.transferTimeout)
        let root = try resultDocument(response, operation: "UploadPartCopy", expected: "CopyPartResult", resource: "s3://\(bucket)/\(key)")
        guard let eTag = root.text(of: "ETag"), !eTag.isEmpty else {
            throw S3Error(code: S3Error.invalidResponseCode, status: response.status, message: "UploadPartCopy answer without ETag",
                          operation: "UploadPartCopy", resource: "s3://\(bucket)/\(key)")
        }
        let checksum = S3ObjectMetadata.checksumAlgorithms.lazy.compactMap { algorithm in
            root.text(of: "Checksum" + algorithm).map { S3Checksum(algorithm: algorithm, value: $0) }
        }.first
        return S3CompletedPart(partNumber: partNumber, eTag: eTag, checksum: checksum)
    }

    /// `CompleteMultipartUpload`, under `destinationCondition` when given (the object the upload
    /// replaces, checked by the server). A `200 OK` is a success only with a
    /// `<CompleteMultipartUploadResult>` body.
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [S3CompletedPart],
                                        destinationCondition: S3WriteCondition? = nil) async throws {
        let body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + parts.sorted { $0.partNumber < $1.partNumber }.map {
                "<Part><PartNumber>\($0.partNumber)</PartNumber><ETag>\(Self.xmlEscaped($0.eTag))</ETag>"
                    + ($0.checksum.map { "<Checksum\($0.algorithm)>\(Self.xmlEscaped($0.value))</Checksum\($0.algorithm)>" } ?? "")
                    + "</Part>"
            }.joined() + "</CompleteMultipartUpload>"
        let response = try await send("CompleteMultipartUpload", method: "POST", bucket: bucket, key: key,
                                      query: [("uploadId", uploadId)],
                                      headers: [("Content-Type", "application/xml")] + (destinationCondition?.headers ?? []),
                                      body: Array(body.utf8), timeout: configuration.transferTimeout)
        // moto names its answer CompleteMultipartUploadResponse; S3 and the rest, ...Result.
        let root = try resultDocument(response, operation: "CompleteMultipartUpload", expected: "CompleteMultipartUploadResult",
                                      aliases: ["CompleteMultipartUploadResponse"], resource: "s3://\(bucket)/\(key)")
        guard let eTag = root.text(of: "ETag"), !eTag.isEmpty else {
            throw S3Error(code: S3Error.invalidResponseCode, status: response.status, message: "CompleteMultipartUpload answer without ETag",
                          operation: "CompleteMultipartUpload", resource: "s3://\(bucket)/\(key)")
        }
    }

    /// `AbortMultipartUpload`; the parts are discarded.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        _ = try await send("AbortMultipartUpload", method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadId)])
    }

    /// Server-side copy of a large object in parts of `partSize` bytes, keeping what a
    /// `CopyObject` keeps: the system and user metadata (`metadata` from `HeadObject`), the tags
    /// (`tagging`) and the checksum algorithm; `options` sets the storage class, encryption and
    /// ACL. `destinationCondition` guards the completion, as it does a `CopyObject`. On any
    /// failure the upload is aborted.
    public func multipartCopy(
        sourceBucket: String, sourceKey: String, sourceVersionId: String? = nil, destinationBucket: String, destinationKey: String,
        metadata: S3ObjectMetadata, tagging: String? = nil, options: S3CopyOptions = S3CopyOptions(),
        partSize: Int64, ifMatch: String? = nil, destinationCondition: S3WriteCondition? = nil, concurrency: Int = 4
    ) async throws {
        let size = metadata.contentLength
        // S3 allows at most 10,000 parts of at least 5 MiB (the last may be smaller).
        let part = max(partSize, 5 * 1024 * 1024, (size + 9_999) / 10_000)
        let ranges: [ClosedRange<Int64>] = stride(from: Int64(0), to: max(size, 1), by: Int(part)).map { start in
            start...min(start + part, size) - 1
        }
        let uploadId = try await createMultipartUpload(bucket: destinationBucket, key: destinationKey, metadata: metadata,
                                                       tagging: tagging, checksumAlgorithm: metadata.checksums.keys.sorted().first,
                                                       options: options)
        do {
            let parts = try await withThrowingTaskGroup(of: S3CompletedPart.self) { group in
                var completed: [S3CompletedPart] = []
                var next = 0
                func addPart() {
                    let number = next + 1
                    let range = ranges[next]
                    next += 1
                    group.addTask {
                        try await uploadPartCopy(
                            bucket: destinationBucket, key: destinationKey, uploadId: uploadId, partNumber: number,
                            sourceBucket: sourceBucket, sourceKey: sourceKey, sourceVersionId: sourceVersionId,
                            range: range, ifMatch: ifMatch)
                    }
                }
                while next < min(concurrency, ranges.count) { addPart() }
                while let done = try await group.next() {
                    completed.append(done)
                    if next < ranges.count { addPart() }
                }
                return completed
            }
            try await completeMultipartUpload(bucket: destinationBucket, key: destinationKey, uploadId: uploadId, parts: parts,
                                        destinationCondition: destinationCondition)
        } catch {
            try? await abortMultipartUpload(bucket: destinationBucket, key: destinationKey, uploadId: uploadId)
            throw error
        }
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
            .replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }
}

import FoundationEssentials
