import CurlHTTP

/// One finished part of a multipart upload.
public struct S3CompletedPart: Sendable, Hashable {
    public var partNumber: Int
    public var eTag: String
    public init(partNumber: Int, eTag: String) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}

extension S3Client {
    /// `CreateMultipartUpload` with the object's Content-Type and user metadata; returns the upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String?, metadata: [String: String]) async throws -> String {
        var headers: [(name: String, value: String)] = metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
        if let contentType { headers.append(("Content-Type", contentType)) }
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

    /// `UploadPartCopy` of bytes `range` of the source; returns the part's ETag.
    public func uploadPartCopy(
        bucket: String, key: String, uploadId: String, partNumber: Int,
        sourceBucket: String, sourceKey: String, sourceVersionId: String? = nil, range: ClosedRange<Int64>, ifMatch: String? = nil
    ) async throws -> String {
        var source = "/" + sourceBucket + "/" + URIEncoding.encodePath(sourceKey)
        if let sourceVersionId { source += "?versionId=" + URIEncoding.encode(sourceVersionId) }
        var headers: [(name: String, value: String)] = [
            ("x-amz-copy-source", source), ("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound)"),
        ]
        if let ifMatch { headers.append(("x-amz-copy-source-if-match", ifMatch)) }
        let response = try await send("UploadPartCopy", method: "PUT", bucket: bucket, key: key,
                                      query: [("partNumber", String(partNumber)), ("uploadId", uploadId)], headers: headers,
                                      timeout: configuration.transferTimeout)
        let root = try resultDocument(response, operation: "UploadPartCopy", expected: "CopyPartResult", resource: "s3://\(bucket)/\(key)")
        guard let eTag = root.text(of: "ETag"), !eTag.isEmpty else {
            throw S3Error(code: S3Error.invalidResponseCode, status: response.status, message: "UploadPartCopy answer without ETag",
                          operation: "UploadPartCopy", resource: "s3://\(bucket)/\(key)")
        }
        return eTag
    }

    /// `CompleteMultipartUpload`. A `200 OK` is a success only with a `<CompleteMultipartUploadResult>` body.
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [S3CompletedPart]) async throws {
        let body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + parts.sorted { $0.partNumber < $1.partNumber }.map {
                "<Part><PartNumber>\($0.partNumber)</PartNumber><ETag>\(Self.xmlEscaped($0.eTag))</ETag></Part>"
            }.joined() + "</CompleteMultipartUpload>"
        let response = try await send("CompleteMultipartUpload", method: "POST", bucket: bucket, key: key,
                                      query: [("uploadId", uploadId)], headers: [("Content-Type", "application/xml")],
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

    /// Server-side copy of a large object in parts of `partSize` bytes, preserving Content-Type and
    /// user metadata (`metadata` from `HeadObject`). On any failure the upload is aborted.
    public func multipartCopy(
        sourceBucket: String, sourceKey: String, sourceVersionId: String? = nil, destinationBucket: String, destinationKey: String,
        metadata: S3ObjectMetadata, partSize: Int64, ifMatch: String? = nil, concurrency: Int = 4
    ) async throws {
        let size = metadata.contentLength
        // S3 allows at most 10,000 parts of at least 5 MiB (the last may be smaller).
        let part = max(partSize, 5 * 1024 * 1024, (size + 9_999) / 10_000)
        let ranges: [ClosedRange<Int64>] = stride(from: Int64(0), to: max(size, 1), by: Int(part)).map { start in
            start...min(start + part, size) - 1
        }
        let uploadId = try await createMultipartUpload(bucket: destinationBucket, key: destinationKey,
                                                       contentType: metadata.contentType, metadata: metadata.userMetadata)
        do {
            let parts = try await withThrowingTaskGroup(of: S3CompletedPart.self) { group in
                var completed: [S3CompletedPart] = []
                var next = 0
                func addPart() {
                    let number = next + 1
                    let range = ranges[next]
                    next += 1
                    group.addTask {
                        let eTag = try await uploadPartCopy(
                            bucket: destinationBucket, key: destinationKey, uploadId: uploadId, partNumber: number,
                            sourceBucket: sourceBucket, sourceKey: sourceKey, sourceVersionId: sourceVersionId,
                            range: range, ifMatch: ifMatch)
                        return S3CompletedPart(partNumber: number, eTag: eTag)
                    }
                }
                while next < min(concurrency, ranges.count) { addPart() }
                while let done = try await group.next() {
                    completed.append(done)
                    if next < ranges.count { addPart() }
                }
                return completed
            }
            try await completeMultipartUpload(bucket: destinationBucket, key: destinationKey, uploadId: uploadId, parts: parts)
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
